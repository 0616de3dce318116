import { WireReader } from './wire-reader';

export interface AuthCheckResponse {
  userId: string | null;
  profile: unknown;
  accessToken: unknown;
}

export function parseAuthCheckResponse(value: unknown, path: string): AuthCheckResponse {
  const reader = WireReader.of(value, path);
  return {
    userId: reader.has('userId') ? reader.string('userId') : null,
    profile: reader.raw('profile') ?? null,
    accessToken: reader.raw('accessToken') ?? null,
  };
}
