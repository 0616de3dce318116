import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { NextFunction, Request, Response } from 'express';
import { BridgeConfig } from '../../config/bridge-config';

export const SESSION_COOKIE = 'bridge_session';
/** Sent by the dashboard's own script on every write: a cross-site form cannot set it. */
export const DASHBOARD_HEADER = 'x-bridge-dashboard';
const SESSION_TTL_MS = 12 * 3_600_000;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export type OperatorIdentity = { via: 'token' } | { via: 'session' };

/**
 * Who may use the operator API and the dashboard: `Authorization: Bearer <adminToken>`, or the session
 * cookie the dashboard sign-in sets. The cookie holds an expiry and an HMAC keyed by the admin token,
 * never the token itself, so changing the token signs everyone out.
 */
@Injectable()
export class OperatorAuth {
  private readonly tokenDigest: Buffer;
  private readonly sessionKey: Buffer;

  constructor(config: BridgeConfig) {
    this.tokenDigest = sha256(config.server.adminToken);
    this.sessionKey = createHmac('sha256', config.server.adminToken)
      .update('bridge-dashboard-session-v1')
      .digest();
  }

  isAdminToken(candidate: string): boolean {
    return timingSafeEqual(sha256(candidate), this.tokenDigest);
  }

  issueSession(now: Date): { value: string; maxAgeMs: number } {
    const expires = now.getTime() + SESSION_TTL_MS;
    return { value: `v1.${expires}.${this.mac(String(expires))}`, maxAgeMs: SESSION_TTL_MS };
  }

  hasValidSession(request: Request, now: Date): boolean {
    const value = readCookie(request, SESSION_COOKIE);
    const match = value ? /^v1\.(\d{1,15})\.([A-Za-z0-9_-]{43})$/.exec(value) : null;
    if (!match || Number(match[1]) <= now.getTime()) return false;
    const given = Buffer.from(match[2]);
    const expected = Buffer.from(this.mac(match[1]));
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  /** null when the request is not an operator's. */
  identify(request: Request, now: Date): OperatorIdentity | null {
    const bearer = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '');
    if (bearer) return this.isAdminToken(bearer[1].trim()) ? { via: 'token' } : null;
    if (!this.hasValidSession(request, now)) return null;
    if (!SAFE_METHODS.has(request.method) && request.headers[DASHBOARD_HEADER] !== '1') return null;
    return { via: 'session' };
  }

  /** For routes mounted outside Nest's router (the OpenAPI UI and document). */
  middleware(): (request: Request, response: Response, next: NextFunction) => void {
    return (request, response, next) => {
      if (this.identify(request, new Date())) return next();
      response
        .status(401)
        .json({ error: { code: 'HTTP.401', message: 'A valid admin bearer token is required' } });
    };
  }

  private mac(payload: string): string {
    return createHmac('sha256', this.sessionKey).update(payload).digest('base64url');
  }
}

@Injectable()
export class OperatorAuthGuard implements CanActivate {
  constructor(private readonly auth: OperatorAuth) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    if (!this.auth.identify(request, new Date())) {
      throw new UnauthorizedException('A valid admin bearer token is required');
    }
    return true;
  }
}

export function operatorName(request: Request): string {
  return /^Bearer\s/i.test(request.headers.authorization ?? '') ? 'api' : 'dashboard';
}

export function readCookie(request: Request, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === name)
      return decodeURIComponent(part.slice(index + 1).trim());
  }
  return undefined;
}

function sha256(value: string): Buffer {
  return createHmac('sha256', 'bridge-admin-token').update(value).digest();
}
