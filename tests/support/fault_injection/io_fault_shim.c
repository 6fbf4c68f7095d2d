// A test-only LD_PRELOAD library: makes the file system fail for chosen files while a trigger file exists, so
// an integration test can drive the real `obscura serve` into a full disk or a failing fsync and back, in one
// process, without root, a loop device or a real broken disk.
//
// Environment (read once, at load):
//   OBSCURA_FAULT_PATH     substring of the file's path (readlink of /proc/self/fd/N) that selects the victims;
//                          unset or empty: the library does nothing
//   OBSCURA_FAULT_TRIGGER  path of the trigger file: faults happen only while it exists (checked on every call,
//                          so a test switches one server on and off by creating and removing it)
//   OBSCURA_FAULT_OPS      which calls fail: "fsync", "write" or "fsync,write" (default both)
//   OBSCURA_FAULT_FSYNC_ERRNO  EIO (default) or ENOSPC: what fsync/fdatasync answer
//   OBSCURA_FAULT_WRITE_ERRNO  ENOSPC (default), EDQUOT or EIO: what write/pwrite answer
//   OBSCURA_FAULT_WRITE_AFTER  bytes a victim file may hold before writes fail (default 0): a disk that fills
//                              part-way through a file
//
// Intercepted: fsync, fdatasync (the upload's temp file and the library directory are synced with fsync) and
// write, pwrite, pwrite64 (the upload's temp file is written with write). Everything else passes through to
// libc, found with dlsym(RTLD_NEXT). Inside libc, stdio and other internal callers do not go through these
// symbols; that is fine: the server writes its files with the plain calls.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

typedef int (*sync_fn)(int);
typedef ssize_t (*write_fn)(int, const void*, size_t);
typedef ssize_t (*pwrite_fn)(int, const void*, size_t, off_t);

static sync_fn real_fsync;
static sync_fn real_fdatasync;
static write_fn real_write;
static pwrite_fn real_pwrite;
static pwrite_fn real_pwrite64;

static const char* fault_path;
static const char* fault_trigger;
static int fail_fsync = 1;
static int fail_write = 1;
static int fsync_errno = EIO;
static int write_errno = ENOSPC;
static long long write_after;

static int errno_named(const char* name, int fallback) {
    if (!name || !*name) return fallback;
    if (strcmp(name, "EIO") == 0) return EIO;
    if (strcmp(name, "ENOSPC") == 0) return ENOSPC;
    if (strcmp(name, "EDQUOT") == 0) return EDQUOT;
    return fallback;
}

__attribute__((constructor)) static void io_fault_init(void) {
    real_fsync = (sync_fn)dlsym(RTLD_NEXT, "fsync");
    real_fdatasync = (sync_fn)dlsym(RTLD_NEXT, "fdatasync");
    real_write = (write_fn)dlsym(RTLD_NEXT, "write");
    real_pwrite = (pwrite_fn)dlsym(RTLD_NEXT, "pwrite");
    real_pwrite64 = (pwrite_fn)dlsym(RTLD_NEXT, "pwrite64");
    const char* path = getenv("OBSCURA_FAULT_PATH");
    fault_path = path && *path ? path : NULL;
    fault_trigger = getenv("OBSCURA_FAULT_TRIGGER");
    const char* ops = getenv("OBSCURA_FAULT_OPS");
    if (ops && *ops) {
        fail_fsync = strstr(ops, "fsync") != NULL;
        fail_write = strstr(ops, "write") != NULL;
    }
    fsync_errno = errno_named(getenv("OBSCURA_FAULT_FSYNC_ERRNO"), EIO);
    write_errno = errno_named(getenv("OBSCURA_FAULT_WRITE_ERRNO"), ENOSPC);
    const char* after = getenv("OBSCURA_FAULT_WRITE_AFTER");
    write_after = after && *after ? atoll(after) : 0;
}

// Whether a call on fd should fail now. errno is left as the caller had it.
static int is_victim(int fd) {
    if (!fault_path || !fault_trigger || fd < 0) return 0;
    const int saved = errno;
    int victim = 0;
    if (access(fault_trigger, F_OK) == 0) {
        char link[64];
        char target[4096];
        snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
        const ssize_t n = readlink(link, target, sizeof target - 1);
        if (n > 0) {
            target[n] = '\0';
            victim = strstr(target, fault_path) != NULL;
        }
    }
    errno = saved;
    return victim;
}

static int sync_fault(int fd) {
    if (fail_fsync && is_victim(fd)) {
        errno = fsync_errno;
        return 1;
    }
    return 0;
}

// offset < 0: the file's current position (write); else pwrite's offset.
static int write_fault(int fd, off_t offset) {
    if (!fail_write || !is_victim(fd)) return 0;
    if (write_after > 0) {
        const int saved = errno;
        const off_t at = offset >= 0 ? offset : lseek(fd, 0, SEEK_CUR);
        errno = saved;
        if (at >= 0 && at < write_after) return 0;
    }
    errno = write_errno;
    return 1;
}

int fsync(int fd) { return sync_fault(fd) ? -1 : real_fsync(fd); }

int fdatasync(int fd) { return sync_fault(fd) ? -1 : real_fdatasync(fd); }

ssize_t write(int fd, const void* buf, size_t count) { return write_fault(fd, -1) ? -1 : real_write(fd, buf, count); }

ssize_t pwrite(int fd, const void* buf, size_t count, off_t offset) {
    return write_fault(fd, offset) ? -1 : real_pwrite(fd, buf, count, offset);
}

ssize_t pwrite64(int fd, const void* buf, size_t count, off_t offset) {
    return write_fault(fd, offset) ? -1 : real_pwrite64(fd, buf, count, offset);
}
