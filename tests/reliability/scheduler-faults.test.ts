import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { build, cleanupSchedules, FakeTime, msg, recordingPort } from '../helpers/schedule-harness.js';

/**
 * Issue 15, faults: one failed database write used to stop every reminder until a restart (the
 * tick never re-armed after an error). Real SQLite refusing writes (query_only, as on a full or
 * read-only disk) for a while: the loop keeps retrying with backoff, /healthz's scheduler part
 * says it is stalled, and posting resumes by itself once writes work again.
 */

afterEach(cleanupSchedules);

describe('scheduler under database write failures', () => {
  it('re-arms after failed ticks, reports the stall, and resumes posting when the database recovers', async () => {
    const time = new FakeTime(Date.parse('2024-05-06T01:00:30Z'));
    const port = recordingPort(time);
    const { scheduler, db } = await build({ time, post: port.post, schedules: [msg('every-minute', '* * * * *', 'C1')] });
    await scheduler.start();
    await time.advanceBy(2 * 60_000, [scheduler]);
    const before = port.posted.length;
    expect(before).toBeGreaterThan(0);
    expect(scheduler.health().ok).toBe(true);

    await sql`PRAGMA query_only = ON`.execute(db);
    await time.advanceBy(10 * 60_000, [scheduler]);
    expect(port.posted.length).toBe(before);
    const stalled = scheduler.health();
    expect(stalled.ok).toBe(false);
    expect(stalled.detail).toMatch(/stalled/);

    await sql`PRAGMA query_only = OFF`.execute(db);
    // Backoff is capped at 5 minutes: within that the loop has ticked again and posts resume.
    await time.advanceBy(6 * 60_000, [scheduler]);
    expect(port.posted.length).toBeGreaterThan(before);
    expect(scheduler.health().ok).toBe(true);
    scheduler.stop();
  });

  it('a single failed tick is retried within seconds and is not reported as a stall (negative)', async () => {
    const time = new FakeTime(Date.parse('2024-05-06T01:00:30Z'));
    const port = recordingPort(time);
    const { scheduler, db } = await build({ time, post: port.post, schedules: [msg('every-minute', '* * * * *', 'C1')] });
    await scheduler.start();
    await sql`PRAGMA query_only = ON`.execute(db);
    await time.advanceBy(31_000, [scheduler]); // the 01:01 tick fails
    await sql`PRAGMA query_only = OFF`.execute(db);
    expect(scheduler.health().ok).toBe(true);
    await time.advanceBy(5_000, [scheduler]); // retried after a second or two
    // The 01:01 reminder is not lost: it goes out within seconds of its time, once.
    expect(port.posted).toHaveLength(1);
    expect(Date.parse(port.posted[0]!.at) - Date.parse('2024-05-06T01:01:00Z')).toBeLessThan(5_000);
    scheduler.stop();
  });
});
