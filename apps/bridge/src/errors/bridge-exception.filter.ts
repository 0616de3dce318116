import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { BridgeError, UpstreamError, UpstreamRejectedError } from '@bridge/core';
import { Response } from 'express';

const STATUS_BY_CODE: Record<string, number> = {
  'SITE.NOT_FOUND': HttpStatus.NOT_FOUND,
  'BILL.NOT_FOUND': HttpStatus.NOT_FOUND,
  'SETTLEMENT.NOT_FOUND': HttpStatus.NOT_FOUND,
  'PAYMENT.NOT_FOUND': HttpStatus.NOT_FOUND,
  'BILL.NOT_PAYABLE': HttpStatus.CONFLICT,
  'DOMAIN.ILLEGAL_TRANSITION': HttpStatus.CONFLICT,
  'DOMAIN.CONCURRENT_MODIFICATION': HttpStatus.CONFLICT,
  'DOMAIN.RULE_VIOLATION': HttpStatus.CONFLICT,
};

export interface ErrorBody {
  error: { code: string; message: string; fields?: Array<{ name: string; code: string; message?: string }> };
}

/** The one place where errors become HTTP: domain and vendor errors keep their stable codes. */
@Catch()
export class BridgeExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpErrors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const { status, body } = this.toHttp(exception);
    if (status >= 500) this.logger.error({ err: exception }, body.error.message);
    if (
      exception instanceof UpstreamError &&
      'retryAfterMs' in exception &&
      typeof exception.retryAfterMs === 'number'
    ) {
      response.setHeader('Retry-After', Math.ceil(exception.retryAfterMs / 1000));
    }
    response.status(status).json(body);
  }

  private toHttp(exception: unknown): { status: number; body: ErrorBody } {
    if (exception instanceof HttpException) {
      const response = exception.getResponse();
      const message =
        typeof response === 'object' && response !== null && 'message' in response
          ? ([] as unknown[]).concat(response.message).join('; ')
          : exception.message;
      const code = exception.getStatus() === 400 ? 'REQUEST.INVALID' : `HTTP.${exception.getStatus()}`;
      return { status: exception.getStatus(), body: { error: { code, message } } };
    }
    if (exception instanceof UpstreamRejectedError) {
      return {
        status: HttpStatus.BAD_GATEWAY,
        body: { error: { code: exception.code, message: exception.message, fields: exception.fields } },
      };
    }
    if (exception instanceof UpstreamError) {
      const status = exception.retryable ? HttpStatus.SERVICE_UNAVAILABLE : HttpStatus.BAD_GATEWAY;
      return { status, body: { error: { code: exception.code, message: exception.message } } };
    }
    if (exception instanceof BridgeError) {
      return {
        status: STATUS_BY_CODE[exception.code] ?? HttpStatus.UNPROCESSABLE_ENTITY,
        body: { error: { code: exception.code, message: exception.message } },
      };
    }
    return {
      status: HttpStatus.INTERNAL_SERVER_ERROR,
      body: { error: { code: 'INTERNAL', message: 'Internal error' } },
    };
  }
}
