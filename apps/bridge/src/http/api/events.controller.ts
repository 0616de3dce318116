import { Controller, Get, MessageEvent, Query, Sse } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces } from '@nestjs/swagger';
import { ListEvents } from '@bridge/core';
import { Observable, interval, map, merge, of } from 'rxjs';
import { EventDto, ListEventsQuery } from './api.dto';
import { OperatorApi } from './api-docs';
import { EventFeed } from './event-feed';
import { presentEvent } from './presenters';

const HEARTBEAT_MS = 15_000;

@Controller('api/v1/events')
@OperatorApi('events')
export class EventsController {
  constructor(
    private readonly events: ListEvents,
    private readonly feed: EventFeed,
  ) {}

  @Get()
  @ApiOperation({ summary: 'The audit log, oldest first' })
  @ApiOkResponse({ type: [EventDto] })
  async list(@Query() query: ListEventsQuery): Promise<EventDto[]> {
    const events = await this.events.execute({
      siteId: query.siteId,
      types: query.types,
      since: query.since ? new Date(query.since) : undefined,
      limit: query.limit,
      offset: query.offset,
    });
    return events.map(presentEvent);
  }

  @Sse('stream')
  @ApiOperation({
    summary:
      'Server-Sent Events: `audit` for each new audit event ({ id, at, siteId, type, billId }), `ping` to keep alive',
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description: 'An event stream',
    content: { 'text/event-stream': { schema: { type: 'string' } } },
  })
  stream(): Observable<MessageEvent> {
    return merge(
      of<MessageEvent>({ type: 'ready', data: {} }),
      this.feed
        .subscribe()
        .pipe(map((event): MessageEvent => ({ type: 'audit', id: String(event.id), data: event }))),
      interval(HEARTBEAT_MS).pipe(map((): MessageEvent => ({ type: 'ping', data: {} }))),
    );
  }
}
