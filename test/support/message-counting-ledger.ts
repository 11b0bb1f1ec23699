import type { DigestRun, SendCounts } from '../../functions/core/ports';
import { InMemoryRunLedger } from './in-memory-ports';

/**
 * The in-memory ledger with the DynamoDB ledger's counts per send message: what each message's
 * attempts added, so a redelivery can ask what the attempts before it counted (`countedOf`).
 */
export class MessageCountingLedger extends InMemoryRunLedger {
  private readonly byMessage = new Map<string, number>();

  private static keyOf(run: DigestRun, messageKey: string): string {
    return `${run.digestDate}|${run.runId}|${messageKey}`;
  }

  override async addSent(run: DigestRun, counts: SendCounts, message?: { key: string }): Promise<void> {
    await super.addSent(run, counts);
    if (!message) return;
    const key = MessageCountingLedger.keyOf(run, message.key);
    const { sent, skipped, failed, uncertain } = counts;
    this.byMessage.set(key, (this.byMessage.get(key) ?? 0) + sent + skipped + failed + uncertain);
  }

  async countedOf(run: DigestRun, messageKey: string): Promise<number> {
    return this.byMessage.get(MessageCountingLedger.keyOf(run, messageKey)) ?? 0;
  }
}
