import { UseGuards, applyDecorators } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCookieAuth,
  ApiNotFoundResponse,
  ApiResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ErrorBodyDto } from './api.dto';
import { OperatorAuthGuard, SESSION_COOKIE } from './operator-auth';

/** Every operator route: the admin token (or the dashboard session), and the typed error body. */
export function OperatorApi(tag: string) {
  return applyDecorators(
    ApiTags(tag),
    ApiBearerAuth(),
    ApiCookieAuth(SESSION_COOKIE),
    UseGuards(OperatorAuthGuard),
    ApiUnauthorizedResponse({ type: ErrorBodyDto, description: 'No valid admin token' }),
    ApiBadRequestResponse({ type: ErrorBodyDto, description: 'Invalid input (code REQUEST.INVALID)' }),
  );
}

export function ApiNotFound(what: string) {
  return ApiNotFoundResponse({ type: ErrorBodyDto, description: `${what} not found` });
}

export function ApiConflict(description: string) {
  return ApiConflictResponse({ type: ErrorBodyDto, description });
}

/** The POS/PMS or the payment provider could not be reached (503) or refused (502). */
export function ApiUpstreamErrors() {
  return applyDecorators(
    ApiResponse({ status: 502, type: ErrorBodyDto, description: 'The upstream refused' }),
    ApiResponse({
      status: 503,
      type: ErrorBodyDto,
      description: 'The upstream is unavailable; Retry-After may be set',
    }),
  );
}
