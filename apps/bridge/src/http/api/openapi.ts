import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { OperatorAuth, SESSION_COOKIE } from './operator-auth';

export const OPENAPI_PATH = 'api/docs';
export const OPENAPI_JSON_PATH = 'api/docs/openapi.json';

/**
 * OpenAPI for the operator API at /api/docs (UI) and /api/docs/openapi.json. Swagger mounts these outside
 * Nest's router, so the admin-token check also runs as Express middleware in front of all of /api: even an
 * unknown /api path answers 401, not 404, to a caller without the token.
 */
export function setupOpenApi(app: INestApplication): void {
  app.use('/api', app.get(OperatorAuth).middleware());
  const config = new DocumentBuilder()
    .setTitle('POS Bridge operator API')
    .setDescription(
      'Money is integer minor units plus an ISO currency. Errors are `{ "error": { "code", "message" } }` with a stable code. ' +
        'Authenticate with `Authorization: Bearer <server.adminToken>`.',
    )
    .setVersion('1')
    .addBearerAuth()
    .addCookieAuth(SESSION_COOKIE)
    .build();
  SwaggerModule.setup(OPENAPI_PATH, app, () => SwaggerModule.createDocument(app, config), {
    jsonDocumentUrl: OPENAPI_JSON_PATH,
    raw: ['json'],
    customSiteTitle: 'POS Bridge API',
  });
}
