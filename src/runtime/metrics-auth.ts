/**
 * Authentication and authorization of /metrics by the API server, as controller-runtime's
 * `filters.WithAuthenticationAndAuthorization`: the request's bearer token is checked with a
 * TokenReview (authentication.k8s.io/v1), then the user it names with a SubjectAccessReview
 * (authorization.k8s.io/v1) for the non-resource URL path and the request's method as the verb
 * (`get` on `/metrics`, what a `nonResourceURLs: ["/metrics"], verbs: ["get"]` rule grants).
 * No token or a token the API server does not accept: 401; not allowed: 403; the API server
 * failing or answering nonsense: 500, logged (the next scrape asks again). Answers are cached
 * for the TTLs controller-runtime uses (a token's review 1 minute, an allow 5 minutes, a deny
 * 30 seconds), in bounded caches; concurrent requests with the same question share one review.
 */
import { createHash } from 'node:crypto';
import type http from 'node:http';
import { z } from 'zod';
import type { Logger } from './logger.js';
import { TtlCache } from './ttl-cache.js';

/** What the filter needs from a Kubernetes client: one request (KubeClient has it). */
export interface ReviewClient {
  request<T>(method: string, path: string, o?: { body?: unknown; timeoutMs?: number }): Promise<T>;
}

export interface UserInfo {
  username: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

/** The outcome for one request: the HTTP status to answer with, and what it is about. */
export type AuthDecision =
  | { status: 200; user: UserInfo }
  | { status: 401; reason: string }
  | { status: 403; user: UserInfo; reason: string }
  | { status: 500; reason: string; error: ReviewError };

/** A review the API server did not answer, refused, or answered in a shape we do not know. */
export class ReviewError extends Error {
  override readonly name = 'ReviewError';
  constructor(
    readonly review: 'TokenReview' | 'SubjectAccessReview',
    message: string,
    override readonly cause?: unknown,
  ) {
    super(`${review}: ${message}`);
  }
}

const asReviewError = (review: ReviewError['review'], e: unknown): ReviewError =>
  e instanceof ReviewError ? e : new ReviewError(review, String(e), e);

// The answers' status, validated before use: an API server's answer is data from outside.
const TokenReviewStatus = z.object({
  status: z.object({
    authenticated: z.boolean().optional(),
    user: z
      .object({
        username: z.string().optional(),
        uid: z.string().optional(),
        groups: z.array(z.string()).optional(),
        extra: z.record(z.string(), z.array(z.string())).optional(),
      })
      .optional(),
    error: z.string().optional(),
  }),
});
const AccessReviewStatus = z.object({
  status: z.object({
    allowed: z.boolean(),
    denied: z.boolean().optional(),
    reason: z.string().optional(),
    evaluationError: z.string().optional(),
  }),
});

/**
 * The token of an `Authorization: Bearer <token>` header, as the API server's bearer-token
 * authenticator reads it: the scheme in any case, one space, a non-empty token with no space.
 */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const parts = header.trim().split(' ');
  if (parts.length !== 2 || parts[0]!.toLowerCase() !== 'bearer' || !parts[1]) return undefined;
  return parts[1];
}

export interface MetricsAuthOptions {
  client: ReviewClient;
  log: Logger;
  /** How long a token's review is kept, accepted or not (default 1 minute). */
  tokenTtlMs?: number;
  /** How long an allowed access is kept (default 5 minutes). */
  allowTtlMs?: number;
  /** How long a denied access is kept (default 30 seconds). */
  denyTtlMs?: number;
  /** Entries of each cache (default 1,024). */
  maxEntries?: number;
  /** Per review (default 10 s, controller-runtime's TokenReview timeout). */
  timeoutMs?: number;
  now?: () => number;
}

type Authn = { ok: true; user: UserInfo } | { ok: false; reason: string };
type Authz = { allowed: boolean; reason: string };

export class MetricsAuth {
  private readonly tokens: TtlCache<string, Authn>;
  private readonly access: TtlCache<string, Authz>;
  private readonly inFlight = new Map<string, Promise<unknown>>();
  /** Reviews sent to the API server, by kind (tests and diagnostics read it). */
  readonly reviews = { TokenReview: 0, SubjectAccessReview: 0 };

  constructor(private readonly o: MetricsAuthOptions) {
    this.tokens = new TtlCache(o.maxEntries ?? 1024, o.now);
    this.access = new TtlCache(o.maxEntries ?? 1024, o.now);
  }

  /** The decision for a request with this Authorization header, method and path. */
  async decide(authorization: string | undefined, method: string, path: string): Promise<AuthDecision> {
    const token = bearerToken(authorization);
    if (!token) return { status: 401, reason: 'no bearer token' };
    let authn: Authn;
    try {
      authn = await this.authenticate(token);
    } catch (e) {
      return { status: 500, reason: 'Authentication failed', error: asReviewError('TokenReview', e) };
    }
    if (!authn.ok) return { status: 401, reason: authn.reason };
    const verb = method.toLowerCase();
    let authz: Authz;
    try {
      authz = await this.authorize(authn.user, verb, path);
    } catch (e) {
      return {
        status: 500,
        reason: `Authorization for user ${authn.user.username} failed`,
        error: asReviewError('SubjectAccessReview', e),
      };
    }
    return authz.allowed ? { status: 200, user: authn.user } : { status: 403, user: authn.user, reason: authz.reason };
  }

  /**
   * A request handler that answers 401, 403 or 500 itself and hands allowed requests to `inner`.
   * It never rejects: a failed review is an answer, not a crash.
   */
  filter(
    inner: (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void> | void,
  ): (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void> {
    return async (req, res) => {
      const path = (req.url ?? '/').split('?')[0]!;
      const d = await this.decide(req.headers.authorization, req.method ?? 'GET', path);
      if (d.status === 200) return inner(req, res);
      const answer = (body: string, headers: Record<string, string> = {}): void =>
        void res
          .writeHead(d.status, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', ...headers })
          .end(body + '\n');
      if (d.status === 401) {
        this.o.log.debug('metrics request not authenticated', { reason: d.reason, remote: req.socket.remoteAddress });
        answer('Unauthorized', { 'WWW-Authenticate': 'Bearer' });
      } else if (d.status === 403) {
        this.o.log.debug('metrics request denied', { user: d.user.username, reason: d.reason });
        answer(`Authorization denied for user ${d.user.username}`);
      } else {
        this.o.log.error('metrics request not reviewed', { reason: d.reason, error: d.error.message });
        answer(d.reason);
      }
    };
  }

  /** One review per key at a time: concurrent callers share the one in flight. */
  private shared<T>(key: string, review: () => Promise<T>): Promise<T> {
    const running = this.inFlight.get(key) as Promise<T> | undefined;
    if (running) return running;
    const p = review().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, p);
    return p;
  }

  private async authenticate(token: string): Promise<Authn> {
    // Keyed by the token's hash: the cache never holds a credential.
    const key = createHash('sha256').update(token).digest('hex');
    const cached = this.tokens.get(key);
    if (cached) return cached;
    return this.shared(`authn:${key}`, async () => {
      const answer = await this.review(
        'TokenReview',
        '/apis/authentication.k8s.io/v1/tokenreviews',
        { spec: { token } },
        TokenReviewStatus,
      );
      const s = answer.status;
      let result: Authn;
      if (!s.authenticated) result = { ok: false, reason: s.error || 'token not authenticated' };
      else if (!s.user?.username) throw new ReviewError('TokenReview', 'authenticated a token without a username');
      else result = { ok: true, user: { username: s.user.username, uid: s.user.uid, groups: s.user.groups, extra: s.user.extra } };
      this.tokens.set(key, result, this.o.tokenTtlMs ?? 60_000);
      return result;
    });
  }

  private async authorize(user: UserInfo, verb: string, path: string): Promise<Authz> {
    const spec = { user: user.username, uid: user.uid, groups: user.groups, extra: user.extra, nonResourceAttributes: { path, verb } };
    const key = JSON.stringify(spec);
    const cached = this.access.get(key);
    if (cached) return cached;
    return this.shared(`authz:${key}`, async () => {
      const answer = await this.review(
        'SubjectAccessReview',
        '/apis/authorization.k8s.io/v1/subjectaccessreviews',
        { spec },
        AccessReviewStatus,
      );
      const s = answer.status;
      const result: Authz = { allowed: s.allowed && !s.denied, reason: s.reason || s.evaluationError || '' };
      this.access.set(key, result, result.allowed ? (this.o.allowTtlMs ?? 300_000) : (this.o.denyTtlMs ?? 30_000));
      return result;
    });
  }

  private async review<T>(
    kind: 'TokenReview' | 'SubjectAccessReview',
    path: string,
    body: { spec: unknown },
    schema: z.ZodType<T>,
  ): Promise<T> {
    const group = kind === 'TokenReview' ? 'authentication.k8s.io/v1' : 'authorization.k8s.io/v1';
    this.reviews[kind]++;
    let answer: unknown;
    try {
      answer = await this.o.client.request('POST', path, {
        body: { apiVersion: group, kind, ...body },
        timeoutMs: this.o.timeoutMs ?? 10_000,
      });
    } catch (e) {
      throw new ReviewError(kind, (e as Error).message, e);
    }
    const parsed = schema.safeParse(answer);
    if (!parsed.success) {
      const i = parsed.error.issues[0]!;
      throw new ReviewError(kind, `unexpected answer: ${i.path.join('.') || '(root)'}: ${i.message}`);
    }
    return parsed.data;
  }
}
