import { Controller, Get, Header, NotFoundException, OnModuleInit, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Response } from 'express';

const TYPES: Record<string, string> = {
  'dashboard.js': 'text/javascript; charset=utf-8',
  'dashboard.css': 'text/css; charset=utf-8',
  'guest.css': 'text/css; charset=utf-8',
};

/** `nest build` copies src/assets under dist/apps/bridge keeping the source path; from source they sit two folders up. */
export function assetsDir(): string {
  const candidates = [
    join(__dirname, 'apps', 'bridge', 'src', 'assets'),
    join(__dirname, '..', '..', 'assets'),
  ];
  const found = candidates.find((dir) => existsSync(join(dir, 'dashboard.js')));
  if (!found) throw new Error(`Dashboard assets not found in ${candidates.join(' or ')}`);
  return found;
}

/** The dashboard's and the guest page's own static files: a fixed list, read once, served with an ETag. */
@ApiExcludeController()
@Controller('assets')
export class AssetsController implements OnModuleInit {
  private readonly files = new Map<string, { body: Buffer; etag: string }>();

  onModuleInit(): void {
    const dir = assetsDir();
    for (const name of Object.keys(TYPES)) {
      const body = readFileSync(join(dir, name));
      this.files.set(name, {
        body,
        etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"`,
      });
    }
  }

  @Get(':name')
  @Header('Cache-Control', 'no-cache')
  serve(@Param('name') name: string, @Res() response: Response): void {
    const file = this.files.get(name);
    const type = TYPES[name];
    if (!file || !type) throw new NotFoundException();
    response.setHeader('ETag', file.etag);
    if (response.req.headers['if-none-match'] === file.etag) {
      response.status(304).end();
      return;
    }
    response.type(type).send(file.body);
  }
}
