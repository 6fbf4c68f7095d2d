// Shapes of the server's JSON (DESIGN.md section 3).
export interface User {
  id: string;
  username: string;
  email: string;
  displayName: string;
  isAdmin: boolean;
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
