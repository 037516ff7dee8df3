/** The pace of frames for what the network brings (client/frames.ts), on a fake clock. */
import test from 'ava';
import {FRAME_MS, FramePacer, STEADY_AFTER, STEADY_FRAME_MS} from '../../source/client/frames.js';

/** Changes every `every` ms for `ms`; returns the times frames are drawn, as the controller draws them. */
function flow(pacer: FramePacer, clock: {t: number}, every: number, ms: number): number[] {
  const frames: number[] = [];
  let due: {at: number; waited: boolean} | null = null;
  const end = clock.t + ms;
  for (let next = clock.t; clock.t < end; ) {
    if (due && due.at <= next) {
      clock.t = due.at;
      pacer.drawn(due.waited);
      frames.push(clock.t);
      due = null;
      continue;
    }
    clock.t = next;
    if (!due) {
      const wait = pacer.delay();
      due = {at: clock.t + wait, waited: wait > 0};
    }
    next += every;
  }
  return frames;
}

const gaps = (frames: number[]) => frames.slice(1).map((t, i) => t - frames[i]!);

test('a change after a quiet spell is drawn at once; a slow flow (3 a second) is drawn change by change', (t) => {
  const clock = {t: 10_000};
  const pacer = new FramePacer(() => clock.t);
  t.is(pacer.delay(), 0);
  const frames = flow(pacer, clock, 333, 5000);
  t.is(frames.length, 16);
  t.true(gaps(frames).every((gap) => gap === 333));
});

test('a steady flow is drawn every FRAME_MS for a second, then every STEADY_FRAME_MS; a quiet spell starts over', (t) => {
  const clock = {t: 10_000};
  const pacer = new FramePacer(() => clock.t);
  const frames = flow(pacer, clock, 100, 5000);
  const g = gaps(frames);
  t.deepEqual(g.slice(0, STEADY_AFTER), Array(STEADY_AFTER).fill(FRAME_MS));
  t.true(g.slice(STEADY_AFTER).every((gap) => gap === STEADY_FRAME_MS), String(g));
  // Quiet for longer than a steady frame: the next change is drawn at once, at the first pace.
  clock.t += STEADY_FRAME_MS + 1;
  t.is(pacer.delay(), 0);
  t.deepEqual(gaps(flow(pacer, clock, 100, 1000)).slice(0, 2), [FRAME_MS, FRAME_MS]);
});

test('a key is drawn at once, even during a steady flow', (t) => {
  const clock = {t: 10_000};
  const pacer = new FramePacer(() => clock.t);
  flow(pacer, clock, 50, 3000);
  t.true(pacer.delay() > 0);
  pacer.hurry();
  t.is(pacer.delay(), 0);
});
