import { ErrorCode } from './codes.js'
import { OrchError } from './orch-error.js'

/** `dashboard.open`: the dashboard's HTTP server could not listen where it was asked to. */
export class DashboardUnavailableError extends OrchError {
  constructor(host: string, port: number, cause: string) {
    super(
      ErrorCode.DASHBOARD_UNAVAILABLE,
      `the dashboard cannot listen on ${host}:${port} (${cause}); give another port with 'orch dashboard --port N' (0 picks a free one)`,
      { host, port },
    )
  }
}
