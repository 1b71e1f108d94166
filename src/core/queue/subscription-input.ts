import { TOPIC_PREFIX } from './constants.js'
import { InvalidMessageError } from './errors/invalid-message-error.js'
import type { Subscription } from './store.js'
import { quote } from '../schema/problems.js'
import { checkTopicName } from './topic-name.js'

/** Checks a subscribe/unsubscribe request; the topic may be given as 'news' or 'topic:news' (see topic-name.ts for the rule). */
export function parseSubscription(subscriberId: string, topic: string): Subscription {
  if (typeof subscriberId !== 'string' || subscriberId === '') {
    throw new InvalidMessageError('subscriber', `subscriber must be a non-empty instance id, got ${quote(subscriberId)}`)
  }
  const name = typeof topic === 'string' && topic.startsWith(TOPIC_PREFIX) ? topic.slice(TOPIC_PREFIX.length) : topic
  if (typeof name !== 'string') throw new InvalidMessageError('topic', `topic must be a string, got ${quote(topic)}`)
  return { topic: checkTopicName(name, topic, 'topic'), subscriber: subscriberId }
}
