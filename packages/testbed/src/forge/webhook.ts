import { createHmac, randomUUID } from 'node:crypto';
import {
  renderComment,
  renderIssue,
  renderPull,
  renderRepo,
  renderUser,
  type Urls,
} from './render.js';
import type { FakeComment, FakeIssue, FakeRepo } from './state.js';

export interface WebhookEvent {
  /** An existing comment of the fake forge. */
  commentId: number;
  /** Default `created`. */
  action?: 'created' | 'edited' | 'deleted';
}

export interface WebhookOptions {
  /** Shared secret the signatures are computed with. */
  secret: string;
  /** `valid` (default), `wrong` (signed with another secret) or `none` (no signature headers). */
  signature?: 'valid' | 'wrong' | 'none';
  /** Override the event header (e.g. `push`) to test rejections. */
  event?: string;
  /** Extra bytes appended to the body after signing (tampering, oversize). */
  appendAfterSigning?: string;
}

export interface WebhookDelivery {
  status: number;
  body: string;
  deliveryId: string;
}

export interface BuiltWebhook {
  headers: Record<string, string>;
  body: string;
  deliveryId: string;
}

/**
 * Builds a comment webhook as the forge would send it. Gitea (services/webhook/deliver.go)
 * sends X-Gitea-Event = HookEventType.Event() ("issue_comment" for PR comments too,
 * modules/webhook/type.go), X-Gitea-Event-Type = "pull_request_comment", X-Gitea-Signature
 * (bare hex HMAC-SHA256 of the body), X-Hub-Signature-256 ("sha256=" + hex), X-Gitea-Delivery,
 * and GitHub-compatible X-GitHub-* copies. Payload: structs.IssueCommentPayload
 * (action, issue, pull_request, comment, repository, sender, is_pull).
 */
export function buildWebhook(
  urls: Urls,
  repo: FakeRepo,
  issue: FakeIssue,
  comment: FakeComment,
  event: WebhookEvent,
  options: WebhookOptions,
): BuiltWebhook {
  const action = event.action ?? 'created';
  const payload: Record<string, unknown> = {
    action,
    issue: renderIssue(urls, issue),
    comment: renderComment(urls, comment, issue),
    repository: renderRepo(urls, repo),
    sender: renderUser(urls, comment.user),
  };
  if (urls.dialect === 'gitea') {
    if (issue.isPull) payload.pull_request = renderPull(urls, issue, repo);
    payload.is_pull = issue.isPull;
  }
  const signed = JSON.stringify(payload);
  const body = signed + (options.appendAfterSigning ?? '');
  const secret = options.signature === 'wrong' ? `${options.secret}-wrong` : options.secret;
  const hex = createHmac('sha256', secret).update(signed).digest('hex');
  const deliveryId = randomUUID();
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const eventName = options.event ?? 'issue_comment';
  if (urls.dialect === 'gitea') {
    const eventType = issue.isPull ? 'pull_request_comment' : 'issue_comment';
    Object.assign(headers, {
      'x-gitea-event': eventName,
      'x-gitea-event-type': eventType,
      'x-gitea-delivery': deliveryId,
      'x-github-event': eventName,
      'x-github-event-type': eventType,
      'x-github-delivery': deliveryId,
    });
    if (options.signature !== 'none') {
      headers['x-gitea-signature'] = hex;
      headers['x-hub-signature-256'] = `sha256=${hex}`;
    }
  } else {
    Object.assign(headers, {
      'x-github-event': eventName,
      'x-github-delivery': deliveryId,
      'x-github-hook-id': '1',
    });
    if (options.signature !== 'none') headers['x-hub-signature-256'] = `sha256=${hex}`;
  }
  return { headers, body, deliveryId };
}
