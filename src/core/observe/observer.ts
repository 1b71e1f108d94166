import type { Logger } from '../log/logger.js'
import type { MetricsSnapshot } from '../protocol/types.js'
import { EventLoopLagMonitor } from './event-loop-lag.js'
import { MessageMetrics, type QueueEventSource } from './message-metrics.js'
import { MetricsEndpoint } from './metrics-endpoint.js'
import { takeSnapshot, type SnapshotSources } from './snapshot.js'

export type ObservedSources = Omit<SnapshotSources, 'messages' | 'lag' | 'endpoint'>

/**
 * The daemon's metrics: counters and histograms fed by the queue's events,
 * gauges read from the supervisor, the monitor and the queue's counts when a
 * snapshot is taken (`daemon.metrics`, `/metrics`), and the endpoint.
 */
export class Observer {
  readonly messages = new MessageMetrics()
  readonly endpoint: MetricsEndpoint
  private readonly lag = new EventLoopLagMonitor()

  constructor(
    private readonly sources: ObservedSources,
    settingsFile: string,
    log: Logger,
  ) {
    this.endpoint = new MetricsEndpoint(() => this.snapshot(), settingsFile, log)
  }

  get startedAt(): number {
    return this.sources.startedAt
  }

  attach(queue: QueueEventSource): void {
    this.messages.attach(queue)
  }

  snapshot(): MetricsSnapshot {
    return takeSnapshot({ ...this.sources, messages: this.messages, lag: () => this.lag.read(), endpoint: this.endpoint.url })
  }

  async close(): Promise<void> {
    this.lag.stop()
    await this.endpoint.close()
  }
}
