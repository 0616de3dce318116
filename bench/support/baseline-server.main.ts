import { createHmac, timingSafeEqual } from 'node:crypto';
import { IncomingMessage, ServerResponse, createServer } from 'node:http';
import Database from 'better-sqlite3';
import { Pool } from 'pg';

/**
 * The simplest thing that does the bridge's ingest job: check the HMAC of the raw body, insert one row
 * durably, answer. Same database engine and durability as the bridge (SQLite WAL, every answer after an fsync:
 * here synchronous=FULL, the bridge syncs the WAL itself; PostgreSQL with synchronous_commit on and a pool of 10), no framework.
 */
const [, , port, databaseUrl, key] = process.argv;

const SUCCESS = Buffer.from('{"status":"success"}');
const FAILURE = Buffer.from('{"status":"error","code":"signature_error"}');
const CREATE = `CREATE TABLE IF NOT EXISTS "baseline_inbox" (
  "provider_order_id" text NOT NULL, "provider_status" text NOT NULL, "received_at" bigint NOT NULL,
  "body" text NOT NULL, PRIMARY KEY ("provider_order_id", "provider_status"))`;
const INSERT = `INSERT INTO "baseline_inbox" VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`;
const INSERT_PG = `INSERT INTO "baseline_inbox" VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`;

type Insert = (id: string, status: string, body: string) => Promise<void>;

async function openInsert(): Promise<Insert> {
  if (databaseUrl.startsWith('sqlite:')) {
    const db = new Database(databaseUrl.slice('sqlite:'.length));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec(CREATE);
    const statement = db.prepare(INSERT);
    return async (id, status, body) => {
      statement.run(id, status, Date.now(), body);
    };
  }
  const pool = new Pool({ connectionString: databaseUrl, max: 10 });
  await pool.query(CREATE);
  return async (id, status, body) => {
    await pool.query({ name: 'baseline-insert', text: INSERT_PG, values: [id, status, Date.now(), body] });
  };
}

function verified(body: Buffer, signature: string | string[] | undefined): boolean {
  if (typeof signature !== 'string') return false;
  const expected = Buffer.from(createHmac('sha1', key).update(body).digest('hex'));
  const given = Buffer.from(signature.trim().toLowerCase());
  return given.length === expected.length && timingSafeEqual(given, expected);
}

async function main(): Promise<void> {
  const insert = await openInsert();
  const reply = (res: ServerResponse, body: Buffer) =>
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length }).end(body);
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'POST') {
      reply(res, SUCCESS);
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    if (!verified(body, req.headers['x-signature'])) {
      reply(res, FAILURE);
      return;
    }
    const notification = JSON.parse(body.toString('utf8')) as { id: string; status: string };
    await insert(notification.id, notification.status, body.toString('utf8'));
    reply(res, SUCCESS);
  };
  createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.writeHead(500).end(String(error));
    });
  }).listen(Number(port), '127.0.0.1');
}

void main();
