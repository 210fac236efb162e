// Which errors mean "Relance's own Redis or PostgreSQL is unreachable": raised by the real client libraries.
import axios from 'axios';
import { Redis } from 'ioredis';
import { describe, expect, inject, it } from 'vitest';
import { ownDependencyDown } from '../../src/dependency-errors.js';
import { connect } from '../../src/store/db.js';
import { freePort } from '../support/free-port.js';

describe('ownDependencyDown', () => {
  it('is true for a Redis command that waited through its reconnections, and for PostgreSQL connection errors', async () => {
    const redis = new Redis({ host: '127.0.0.1', port: await freePort(), maxRetriesPerRequest: 1, retryStrategy: () => 20, lazyConnect: true });
    redis.on('error', () => undefined);
    const redisErr = await redis.get('k').catch((e: unknown) => e);
    redis.disconnect();
    expect(ownDependencyDown(redisErr)).toBe(true);

    const sql = connect(inject('databaseUrl'), { max: 1 });
    await sql`select 1`;
    await sql.end();
    const ended = await sql`select 1`.catch((e: unknown) => e);
    expect((ended as { code?: string }).code).toBe('CONNECTION_ENDED');
    expect(ownDependencyDown(ended)).toBe(true);
    // What PostgreSQL answers while it starts, recovers or shuts down (SQLSTATE 57P03, 57P01).
    expect(ownDependencyDown(Object.assign(new Error('the database system is starting up'), { code: '57P03' }))).toBe(true);
    expect(ownDependencyDown(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toBe(true);
  });

  it("is false for a provider's connection refused, an SQL error, and an action's own failure", async () => {
    const provider = await axios.get(`http://127.0.0.1:${await freePort()}/`).catch((e: unknown) => e);
    expect(ownDependencyDown(provider)).toBe(false);
    const sql = connect(inject('databaseUrl'), { max: 1 });
    const syntax = await sql`select * from no_such_table`.catch((e: unknown) => e);
    await sql.end();
    expect(ownDependencyDown(syntax)).toBe(false);
    expect(ownDependencyDown(new Error('the books refused the note'))).toBe(false);
    expect(ownDependencyDown('Connection is closed.')).toBe(false);
  });
});
