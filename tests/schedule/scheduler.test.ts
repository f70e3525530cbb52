import { afterEach, describe, expect, it } from 'vitest';
import { nextFireTimes } from '../../src/schedule/cli.js';
import { FakeTime, recordingPort, dbs, tempDbFile, build, msg, cleanupSchedules } from '../helpers/schedule-harness.js';

afterEach(cleanupSchedules);

describe('fire times', () => {
  it('computes Asia/Shanghai Monday 09:00 as 01:00 UTC on the Monday', () => {
    const s = msg('weekly', '0 9 * * 1', 'C1');
    // Wednesday 2024-03-06 12:00 Shanghai
    const [r] = nextFireTimes([s], new Date('2024-03-06T04:00:00Z'));
    expect(r!.next).toBe('2024-03-11T01:00:00.000Z');
    expect(r!.nextLocal).toBe('2024-03-11 09:00:00');
    // Sunday 23:59 Shanghai is already Monday? No: still Sunday locally, next fire is the coming Monday 09:00.
    const [r2] = nextFireTimes([s], new Date('2024-03-10T15:59:00Z'));
    expect(r2!.next).toBe('2024-03-11T01:00:00.000Z');
    // Monday 09:00 Shanghai exactly: the next one is a week later (strictly after now).
    const [r3] = nextFireTimes([s], new Date('2024-03-11T01:00:00Z'));
    expect(r3!.next).toBe('2024-03-18T01:00:00.000Z');
  });

  it('computes America/New_York weekday 08:30 across the DST change, with the right weekday', () => {
    const s = msg('ny', '30 8 * * 1-5', 'C1', { timezone: 'America/New_York' });
    // Friday 2024-03-08 07:00 EST (12:00Z) → same day 08:30 EST = 13:30Z
    expect(nextFireTimes([s], new Date('2024-03-08T12:00:00Z'))[0]!.next).toBe('2024-03-08T13:30:00.000Z');
    // After Friday's run → skips the weekend → Monday 2024-03-11 08:30 EDT = 12:30Z (DST began Mar 10)
    const r = nextFireTimes([s], new Date('2024-03-08T14:00:00Z'))[0]!;
    expect(r.next).toBe('2024-03-11T12:30:00.000Z');
    expect(r.nextLocal).toBe('2024-03-11 08:30:00');
    const weekday = new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', weekday: 'long' }).format(new Date(r.next!));
    expect(weekday).toBe('Monday');
    // Friday 23:00 in New York is already Saturday in Shanghai: the zone decides the day.
    const fridayLateNY = new Date('2024-03-09T04:00:00Z');
    expect(nextFireTimes([s], fridayLateNY)[0]!.next).toBe('2024-03-11T12:30:00.000Z');
  });

  it('the scheduler fires a New York schedule at the New York time, not the Shanghai one', async () => {
    const time = new FakeTime(Date.parse('2024-11-01T00:00:00Z')); // Thu
    const port = recordingPort(time);
    const { scheduler } = await build({
      time,
      post: port.post,
      schedules: [msg('ny', '0 9 * * 5', 'CNY', { timezone: 'America/New_York' }), msg('sh', '0 9 * * 5', 'CSH')],
    });
    await scheduler.start();
    await time.advanceTo('2024-11-02T00:00:00Z', [scheduler]);
    scheduler.stop();
    const at = Object.fromEntries(port.posted.map((p) => [p.target.channelId, p.at]));
    expect(at.CSH).toBe('2024-11-01T01:00:00.000Z'); // Fri 09:00 +08:00
    expect(at.CNY).toBe('2024-11-01T13:00:00.000Z'); // Fri 09:00 EDT (-04:00)
  });
});

describe('exactly once', () => {
  it('posts each fire time once and never again after a restart on the same database file', async () => {
    const file = tempDbFile();
    const time = new FakeTime(Date.parse('2024-03-10T16:00:00Z')); // Mon 00:00 Shanghai
    const port = recordingPort(time);
    const schedules = [msg('weekly', '0 9 * * 1', 'C1'), msg('daily', '0 18 * * *', 'C2')];

    const first = await build({ dbFile: file, time, post: port.post, schedules });
    await first.scheduler.start();
    await time.advanceTo('2024-03-11T01:00:30Z', [first.scheduler]); // just after Mon 09:00
    expect(port.posted.map((p) => p.target.channelId)).toEqual(['C1']);
    // A second tick at the same moment must not post again.
    await first.scheduler.tick();
    expect(port.posted).toHaveLength(1);
    first.scheduler.stop();
    await first.db.destroy();
    dbs.splice(dbs.indexOf(first.db), 1);

    // Restart five minutes later: a new Scheduler on the same file.
    time.t = Date.parse('2024-03-11T01:05:00Z');
    const second = await build({ dbFile: file, time, post: port.post, schedules });
    await second.scheduler.start();
    await time.advanceTo('2024-03-11T02:00:00Z', [second.scheduler]);
    expect(port.posted).toHaveLength(1);

    // It keeps going: the 18:00 Shanghai daily one posts once.
    await time.advanceTo('2024-03-11T10:30:00Z', [second.scheduler]);
    expect(port.posted.map((p) => p.target.channelId)).toEqual(['C1', 'C2']);
    second.scheduler.stop();

    const runs = (await second.store.runs());
    expect(runs.map((r) => [r.scheduleId, r.fireTime, r.status, r.attempts])).toEqual([
      ['weekly', '2024-03-11T01:00:00.000Z', 'posted', 1],
      ['daily', '2024-03-11T10:00:00.000Z', 'posted', 1],
    ]);
  });

  it('two scheduler instances on one database never post the same fire time twice', async () => {
    const file = tempDbFile();
    const time = new FakeTime(Date.parse('2024-03-11T00:59:00Z'));
    const port = recordingPort(time);
    const schedules = [msg('weekly', '0 9 * * 1', 'C1')];
    const a = await build({ dbFile: file, time, post: port.post, schedules });
    const b = await build({ dbFile: file, time, post: port.post, schedules });
    await a.scheduler.start();
    await b.scheduler.start();
    time.t = Date.parse('2024-03-11T01:00:05Z');
    await Promise.all([a.scheduler.tick(), b.scheduler.tick()]);
    a.scheduler.stop();
    b.scheduler.stop();
    expect(port.posted).toHaveLength(1);
  });
});

describe('catch-up after downtime', () => {
  async function downtime(restartAtIso: string, graceHours = 6) {
    const file = tempDbFile();
    const time = new FakeTime(Date.parse('2024-03-10T16:00:00Z')); // Mon 00:00 Shanghai: schedule first seen
    const port = recordingPort(time);
    const schedules = [msg('weekly', '0 9 * * 1', 'C1')];
    const first = await build({ dbFile: file, time, post: port.post, schedules, graceHours });
    await first.scheduler.start();
    await time.advanceTo('2024-03-11T00:00:00Z', [first.scheduler]); // Mon 08:00, then the bot goes down
    first.scheduler.stop();
    expect(port.posted).toHaveLength(0);

    time.t = Date.parse(restartAtIso);
    const second = await build({ dbFile: file, time, post: port.post, schedules, graceHours });
    await second.scheduler.start();
    return { port, second, time, file, schedules, graceHours };
  }

  it('posts a run missed while down once when it is younger than the grace period', async () => {
    const { port, second, time, file, schedules } = await downtime('2024-03-11T04:00:00Z'); // 3 h late
    expect(port.posted).toHaveLength(1);
    expect(port.posted[0]!.at).toBe('2024-03-11T04:00:00.000Z');
    expect((await second.store.getRun('weekly', new Date('2024-03-11T01:00:00Z')))!.status).toBe('posted');
    second.scheduler.stop();

    // Another restart an hour later does not post the caught-up run again.
    time.t = Date.parse('2024-03-11T05:00:00Z');
    const third = await build({ dbFile: file, time, post: port.post, schedules });
    await third.scheduler.start();
    third.scheduler.stop();
    expect(port.posted).toHaveLength(1);
  });

  it('records an older missed run as skipped and does not post it', async () => {
    const { port, second } = await downtime('2024-03-11T08:00:00Z'); // 7 h late, grace 6 h
    second.scheduler.stop();
    expect(port.posted).toHaveLength(0);
    const run = (await second.store.getRun('weekly', new Date('2024-03-11T01:00:00Z')))!;
    expect(run.status).toBe('skipped');
    expect(run.attempts).toBe(0);
    expect(run.error).toMatch(/grace/);
  });

  it('honours a configured grace period', async () => {
    const { port, second } = await downtime('2024-03-11T08:00:00Z', 8);
    second.scheduler.stop();
    expect(port.posted).toHaveLength(1);
  });

  it('a brand-new schedule does not fire its past', async () => {
    const time = new FakeTime(Date.parse('2024-03-11T02:00:00Z')); // Mon 10:00 Shanghai, one hour after 09:00
    const port = recordingPort(time);
    const { scheduler, store } = await build({ time, post: port.post, schedules: [msg('weekly', '0 9 * * 1', 'C1')] });
    await scheduler.start();
    await time.advanceTo('2024-03-11T10:00:00Z', [scheduler]);
    scheduler.stop();
    expect(port.posted).toHaveLength(0);
    expect((await store.runs())).toHaveLength(0);
  });

  it('editing a cron counts as a new schedule: the new expression does not fire its past', async () => {
    const file = tempDbFile();
    const time = new FakeTime(Date.parse('2024-03-01T00:00:00Z'));
    const port = recordingPort(time);
    const a = await build({ dbFile: file, time, post: port.post, schedules: [msg('r', '0 9 * * 1', 'C1')] });
    await a.scheduler.start();
    a.scheduler.stop();
    // Restart on Monday 11:00 Shanghai with the cron changed to 10:00: its 10:00 is before the change.
    time.t = Date.parse('2024-03-11T03:00:00Z');
    const b = await build({ dbFile: file, time, post: port.post, schedules: [msg('r', '0 10 * * 1', 'C1')] });
    await b.scheduler.start();
    b.scheduler.stop();
    expect(port.posted).toHaveLength(0);
  });
});

describe('retries', () => {
  it('retries a failing post with exponential backoff while other schedules keep posting', async () => {
    const time = new FakeTime(Date.parse('2024-03-11T00:59:00Z'));
    let failuresLeft = 2;
    const port = recordingPort(time, {
      failFor: (t) => t.channelId === 'FLAKY' && failuresLeft-- > 0,
    });
    const { scheduler, store } = await build({
      time,
      post: port.post,
      schedules: [msg('flaky', '0 9 * * 1', 'FLAKY'), msg('ok', '0 9 * * 1', 'OK'), msg('later', '1 9 * * 1', 'LATER')],
    });
    await scheduler.start();
    await time.advanceTo('2024-03-11T01:00:10Z', [scheduler]);
    expect(port.posted.map((p) => p.target.channelId)).toEqual(['OK']);
    const row = (await store.getRun('flaky', new Date('2024-03-11T01:00:00Z')))!;
    expect(row.status).toBe('retry');
    expect(row.attempts).toBe(1);
    expect(row.error).toContain('rate_limited');

    await time.advanceTo('2024-03-11T01:05:00Z', [scheduler]);
    scheduler.stop();
    // 09:00:00 fails, +30 s fails, +60 s more succeeds; the 09:01 schedule was not held up.
    expect(port.attempts.filter((a) => a.channel === 'FLAKY').map((a) => a.at)).toEqual([
      '2024-03-11T01:00:00.000Z',
      '2024-03-11T01:00:30.000Z',
      '2024-03-11T01:01:30.000Z',
    ]);
    expect(port.posted.find((p) => p.target.channelId === 'LATER')!.at).toBe('2024-03-11T01:01:00.000Z');
    const done = (await store.getRun('flaky', new Date('2024-03-11T01:00:00Z')))!;
    expect(done.status).toBe('posted');
    expect(done.attempts).toBe(3);
    expect(port.posted.filter((p) => p.target.channelId === 'FLAKY')).toHaveLength(1);
  });

  it('gives up after the bounded number of attempts and records the failure', async () => {
    const time = new FakeTime(Date.parse('2024-03-11T00:59:00Z'));
    const port = recordingPort(time, { failFor: (t) => t.channelId === 'DOWN' });
    const { scheduler, store } = await build({
      time,
      post: port.post,
      schedules: [msg('down', '0 9 * * 1', 'DOWN')],
      retry: { maxAttempts: 3 },
    });
    await scheduler.start();
    await time.advanceTo('2024-03-11T03:00:00Z', [scheduler]);
    scheduler.stop();
    const row = (await store.getRun('down', new Date('2024-03-11T01:00:00Z')))!;
    expect(row.status).toBe('failed');
    expect(row.attempts).toBe(3);
    expect(row.error).toMatch(/gave up after 3 attempts/);
    expect(port.attempts).toHaveLength(3);
  });

  it('a post the platform may have made (its call timed out) is closed, not retried into a duplicate; other failures still retry', async () => {
    const time = new FakeTime(Date.parse('2024-03-11T00:59:00Z'));
    const port = recordingPort(time, { uncertainFor: (t) => t.channelId === 'MAYBE', failFor: (t) => t.channelId === 'REFUSED' });
    const { scheduler, store } = await build({
      time,
      post: port.post,
      schedules: [msg('maybe', '0 9 * * 1', 'MAYBE'), msg('refused', '0 9 * * 1', 'REFUSED')],
    });
    await scheduler.start();
    await time.advanceTo('2024-03-11T01:10:00Z', [scheduler]);
    scheduler.stop();
    const maybe = (await store.getRun('maybe', new Date('2024-03-11T01:00:00Z')))!;
    expect(maybe.status).toBe('failed');
    expect(maybe.error).toMatch(/not retried to avoid a duplicate/);
    expect(port.attempts.filter((a) => a.channel === 'MAYBE')).toHaveLength(1);
    // The refused post (the platform answered with an error) is retried as before.
    expect(port.attempts.filter((a) => a.channel === 'REFUSED').length).toBeGreaterThan(1);
  });

  it('a post that never returns does not block other schedules', async () => {
    const time = new FakeTime(Date.parse('2024-03-11T00:59:00Z'));
    const port = recordingPort(time, { hangFor: (t) => t.channelId === 'STUCK' });
    const { scheduler } = await build({
      time,
      post: port.post,
      schedules: [msg('stuck', '0 9 * * 1', 'STUCK'), msg('next', '5 9 * * 1', 'FREE')],
    });
    await scheduler.start();
    // Drive the timer without waiting on the stuck attempt.
    time.t = Date.parse('2024-03-11T01:00:00Z');
    void scheduler.tick();
    time.t = Date.parse('2024-03-11T01:05:00Z');
    await Promise.race([scheduler.tick(), new Promise((r) => setTimeout(r, 500))]);
    await new Promise((r) => setTimeout(r, 10));
    scheduler.stop();
    expect(port.posted.map((p) => p.target.channelId)).toEqual(['FREE']);
  });

  it('after a restart resumes a waiting retry and a run cut off before it posted, but never one cut off after the post call', async () => {
    const file = tempDbFile();
    const time = new FakeTime(Date.parse('2024-03-11T00:59:00Z'));
    const failing = recordingPort(time, { failFor: () => true });
    const schedules = [msg('a', '0 9 * * 1', 'A')];
    const first = await build({ dbFile: file, time, post: failing.post, schedules });
    await first.scheduler.start();
    await time.advanceTo('2024-03-11T01:00:05Z', [first.scheduler]);
    first.scheduler.stop();
    expect((await first.store.getRun('a', new Date('2024-03-11T01:00:00Z')))!.status).toBe('retry');
    // Simulate crashes during two other schedules' attempts: b while rendering, c after its post call went out.
    const fire = new Date('2024-03-11T01:00:00Z');
    await first.store.claimRun('b', fire, time.now(), new Date(time.now().getTime() + 60_000));
    await first.store.claimRun('c', fire, time.now(), new Date(time.now().getTime() + 60_000));
    expect(await first.store.markSending('c', fire.toISOString(), 1, time.now())).toBe(true);

    time.t = Date.parse('2024-03-11T01:10:00Z'); // both leases have run out
    const ok = recordingPort(time);
    const second = await build({ dbFile: file, time, post: ok.post, schedules: [...schedules, msg('b', '0 9 * * 1', 'B'), msg('c', '0 9 * * 1', 'C')] });
    await second.scheduler.start();
    second.scheduler.stop();
    expect(ok.posted.map((p) => p.target.channelId).sort()).toEqual(['A', 'B']);
    expect((await second.store.getRun('a', fire))!.attempts).toBe(2);
    expect((await second.store.getRun('b', fire))!.status).toBe('posted');
    const c = (await second.store.getRun('c', fire))!;
    expect(c.status).toBe('failed');
    expect(c.error).toMatch(/interrupted after the post was sent/);
  });

  it('a live lease is left alone: a second scheduler neither closes nor takes over a run still being rendered', async () => {
    const file = tempDbFile();
    const time = new FakeTime(Date.parse('2024-03-11T01:00:00Z'));
    const fire = new Date('2024-03-11T01:00:00Z');
    const first = await build({ dbFile: file, time, post: recordingPort(time).post, schedules: [] });
    await first.store.claimRun('b', fire, time.now(), new Date(time.now().getTime() + 60_000));
    time.t = Date.parse('2024-03-11T01:00:30Z'); // lease still running
    const ok = recordingPort(time);
    const second = await build({ dbFile: file, time, post: ok.post, schedules: [msg('b', '0 9 * * 1', 'B')] });
    await second.scheduler.start();
    second.scheduler.stop();
    expect(ok.posted).toHaveLength(0);
    expect((await second.store.getRun('b', fire))!.status).toBe('posting');
    // The first attempt still holds the run and may send; a taken-over attempt may not.
    expect(await first.store.markSending('b', fire.toISOString(), 1, time.now())).toBe(true);
    expect(await first.store.claimRetry('b', fire.toISOString(), new Date('2024-03-11T01:02:00Z'), new Date('2024-03-11T01:07:00Z'))).toBe(false);
    expect(await first.store.markSending('b', fire.toISOString(), 2, time.now())).toBe(false);
  });
});
