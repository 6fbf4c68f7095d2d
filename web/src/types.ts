// Shapes of the server's JSON (DESIGN.md section 3).
export interface User {
  id: string;
  username: string;
  email: string;
  displayName: string;
  isAdmin: boolean;
  bio?: string;
  disabled?: boolean;
  quotaBytes?: number | null;
  createdAt?: string;
  avatarUrl?: string | null;
  usage?: Usage;
}

export interface Usage {
  assets: number;
  images: number;
  videos: number;
  bytesOriginals: number;
  bytesDerived: number;
  bandwidthBytesThisMonth: number;
  quotaBytes?: number | null;
}

// Another user as sharing shows them (DESIGN.md section 7).
export interface UserSummary {
  id: string;
  username: string;
  displayName: string;
  avatarUrl?: string | null;
}

export type AlbumRole = 'viewer' | 'editor';

export interface Partner extends UserSummary {
  inTimeline: boolean;
}

export interface Group {
  id: string;
  name: string;
  ownerId?: string;
  members?: UserSummary[];
  myRole?: 'owner' | 'member';
}

export interface Album {
  id: string;
  ownerId?: string;
  owner?: UserSummary;
  albumUsers?: { user: UserSummary; role: AlbumRole }[];
  albumGroups?: { group: Group; role: AlbumRole }[];
  parentId?: string | null;
  shared?: boolean;
  myRole?: 'owner' | AlbumRole;
  allowDownload?: boolean;
  albumName: string;
  description: string;
  assetCount: number;
  albumThumbnailAssetId: string | null;
  createdAt: string;
  updatedAt: string;
  assets?: Asset[];
}

export interface SharedLink {
  id: string;
  key: string;
  url: string;
  type: string;
  albumId: string | null;
  assetIds: string[];
  expiresAt: string | null;
  allowDownload: boolean;
  hasPassword: boolean;
  createdAt: string;
}

export interface ApiKey {
  id: string;
  name: string;
  createdAt: string;
}

export interface ExifInfo {
  make?: string | null;
  model?: string | null;
  lens?: string | null;
  fNumber?: number | null;
  exposureTime?: string | number | null;
  iso?: number | null;
  focalLength?: number | null;
  latitude?: number | null;
  longitude?: number | null;
  orientation?: number | null;
  dateTimeOriginal?: string | null;
}

export type DerivativeState = 'pending' | 'ready' | 'failed';

export interface Asset {
  id: string;
  ownerId?: string; // someone else's when shared by a partner or through an album
  type: 'image' | 'video';
  originalFileName: string;
  mimeType: string;
  sizeBytes: number;
  checksum: string;
  width: number;
  height: number;
  durationSeconds?: number | null;
  takenAt: string;
  createdAt: string;
  title: string;
  description: string;
  tags: string[];
  isFavorite: boolean;
  isArchived: boolean;
  isTrashed: boolean;
  trashedAt?: string | null;
  livePhotoVideoId?: string | null; // a live photo's still names its (hidden) motion part
  exifInfo: ExifInfo;
  derivatives: { thumbnail: DerivativeState; preview: DerivativeState; video: DerivativeState };
  thumbnailUrl: string;
  previewUrl: string;
}

export interface AssetPage {
  items: Asset[];
  nextCursor: string | null;
}

export interface TimelineBucket {
  month: string;
  count: number;
}

export interface Job {
  id: string;
  kind: string;
  assetId: string;
  state: 'queued' | 'running' | 'succeeded' | 'failed';
  progress: number;
  error?: string;
}

// GET /api/server/features (anonymous): what this server can do, so pages offer only that. Absent when the server
// lacks the media module: then none of it.
export interface ServerFeatures {
  videoConversion?: boolean;
  audioExtraction?: boolean;
  email?: boolean; // SMTP is configured: password-reset mails can leave
  map?: boolean;
  mapTileUrl?: string;
}
