import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { Request } from 'express';
import { BridgeConfig } from '../config/bridge-config';

/** `Authorization: Bearer <adminToken>` for the operator API, compared in constant time. */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  private readonly expected: Buffer;

  constructor(config: BridgeConfig) {
    this.expected = digest(config.server.adminToken);
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (!match || !timingSafeEqual(digest(match[1].trim()), this.expected)) {
      throw new UnauthorizedException('A valid admin bearer token is required');
    }
    return true;
  }
}

// Hashing first gives equal-length buffers, so the comparison leaks nothing about the token's length.
function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
