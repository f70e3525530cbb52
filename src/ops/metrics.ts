import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Answerer } from '../answer/types.js';
import type { Prechecker } from '../precheck/engine.js';

/**
 * The bot's Prometheus metrics (`GET /metrics`). One registry per process (not prom-client's
 * global one), so tests and the CLI can build as many apps as they like without name clashes.
 */
export class BotMetrics {
  readonly registry = new Registry();
  readonly questions = new Counter({
    name: 'compliance_questions_total',
    help: 'Questions asked, by whether the handbook answered them',
    labelNames: ['answered', 'mode'] as const,
    registers: [this.registry],
  });
  readonly answerSeconds = this.seconds(
    'compliance_answer_seconds',
    'Time to produce an answer (retrieval plus the model in LLM mode)',
    'mode',
    [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20],
  );
  readonly ackSeconds = this.seconds(
    'compliance_ack_seconds',
    'Time from a platform request arriving to its HTTP acknowledgement (Slack allows 3 s, Feishu 3 s)',
    'route',
    [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5],
  );
  readonly prechecks = new Counter({
    name: 'compliance_prechecks_total',
    help: 'Contract pre-checks by verdict',
    labelNames: ['verdict'] as const,
    registers: [this.registry],
  });
  readonly inFlight = new Gauge({
    name: 'compliance_queue_depth',
    help: 'Questions and pre-checks being worked on right now',
    registers: [this.registry],
  });
  readonly platformApiErrors = new Counter({
    name: 'compliance_platform_api_errors_total',
    help: 'Failed calls to a chat platform API (Slack Web API, Feishu Open API)',
    labelNames: ['platform', 'method'] as const,
    registers: [this.registry],
  });

  /** A latency histogram in seconds with one label, registered here. */
  private seconds<Label extends string>(name: string, help: string, label: Label, buckets: number[]) {
    return new Histogram<Label>({ name, help, labelNames: [label], buckets, registers: [this.registry] });
  }

  constructor() {
    const metrics = this;
    new Gauge({
      name: 'compliance_answered_ratio',
      help: 'Share of questions since start that the handbook answered (0–1; 0 before the first question)',
      registers: [this.registry],
      async collect() {
        const counts = await metrics.answeredCounts();
        const total = counts.answered + counts.unanswered;
        this.set(total ? counts.answered / total : 0);
      },
    });
    collectDefaultMetrics({ register: this.registry, prefix: 'compliance_' });
  }

  private async answeredCounts(): Promise<{ answered: number; unanswered: number }> {
    const { values } = await this.questions.get();
    let answered = 0;
    let unanswered = 0;
    for (const v of values) {
      if (v.labels.answered === 'true') answered += v.value;
      else unanswered += v.value;
    }
    return { answered, unanswered };
  }

  /** Counts and times every question that goes through `answerer`. */
  instrumentAnswerer<A extends Answerer>(answerer: A): A {
    const ask = answerer.ask.bind(answerer);
    answerer.ask = async (question, conversationId, options) => {
      const stopTimer = this.answerSeconds.startTimer();
      this.inFlight.inc();
      try {
        const result = await ask(question, conversationId, options);
        stopTimer({ mode: result.mode });
        this.questions.inc({ answered: String(result.answered), mode: result.mode });
        return result;
      } finally {
        this.inFlight.dec();
      }
    };
    return answerer;
  }

  /** Counts pre-checks by verdict. */
  instrumentPrechecker(prechecker: Prechecker): Prechecker {
    const check = prechecker.check.bind(prechecker);
    return {
      rules: prechecker.rules,
      check: async (text, opts) => {
        this.inFlight.inc();
        try {
          const result = await check(text, opts);
          this.prechecks.inc({ verdict: result.verdict });
          return result;
        } finally {
          this.inFlight.dec();
        }
      },
    };
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
