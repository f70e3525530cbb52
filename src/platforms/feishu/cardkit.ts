import { randomUUID } from 'node:crypto';
import type { FeishuApi, SentMessage } from './api.js';

/**
 * CardKit calls (card entities), used to stream an answer into a card: create an entity or
 * convert a sent card message into one, reply with it, push text into one of its elements,
 * switch streaming off, replace it whole. Every change carries a sequence number that must grow
 * per card; the caller keeps it. Needs the `cardkit:card:write` scope.
 */
export class CardKit {
  constructor(private readonly api: FeishuApi) {}

  async create(card: object): Promise<string> {
    const res = await this.api.call('cardkit.card.create', () =>
      this.api.client.cardkit.v1.card.create({ data: { type: 'card_json', data: JSON.stringify(card) } }),
    );
    const cardId = res.data?.card_id;
    if (!cardId) throw new Error('cardkit.card.create returned no card_id');
    return cardId;
  }

  /** The card entity behind a card message the bot already sent (e.g. the progress card). */
  async fromMessage(messageId: string): Promise<string> {
    const res = await this.api.call('cardkit.card.idConvert', () =>
      this.api.client.cardkit.v1.card.idConvert({ data: { message_id: messageId } }),
    );
    const cardId = res.data?.card_id;
    if (!cardId) throw new Error('cardkit.card.idConvert returned no card_id');
    return cardId;
  }

  async reply(messageId: string, cardId: string, inThread: boolean): Promise<SentMessage> {
    const content = JSON.stringify({ type: 'card', data: { card_id: cardId } });
    const res = await this.api.call('im.message.reply', () =>
      this.api.client.im.v1.message.reply({
        path: { message_id: messageId },
        data: { msg_type: 'interactive', content, reply_in_thread: inThread, uuid: randomUUID() },
      }),
    );
    return { messageId: res.data?.message_id ?? '' };
  }

  /** Streaming text: the element's whole text so far; Feishu animates the difference. */
  async streamText(cardId: string, elementId: string, content: string, sequence: number): Promise<void> {
    await this.api.call('cardkit.cardElement.content', () =>
      this.api.client.cardkit.v1.cardElement.content({ path: { card_id: cardId, element_id: elementId }, data: { content, sequence } }),
    );
  }

  async setStreaming(cardId: string, on: boolean, sequence: number): Promise<void> {
    await this.api.call('cardkit.card.settings', () =>
      this.api.client.cardkit.v1.card.settings({
        path: { card_id: cardId },
        data: { settings: JSON.stringify({ config: { streaming_mode: on } }), sequence },
      }),
    );
  }

  async replace(cardId: string, card: object, sequence: number): Promise<void> {
    await this.api.call('cardkit.card.update', () =>
      this.api.client.cardkit.v1.card.update({
        path: { card_id: cardId },
        data: { card: { type: 'card_json', data: JSON.stringify(card) }, sequence },
      }),
    );
  }
}
