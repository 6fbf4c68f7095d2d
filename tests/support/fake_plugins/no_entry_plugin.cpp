// A valid shared object that is not a storage plugin: it exports a symbol, just not the entry point.
extern "C" int obscura_storage_plugin_entry_v0(void);  // declared first: -Wmissing-declarations
extern "C" __attribute__((visibility("default"))) int obscura_storage_plugin_entry_v0(void) { return 0; }
