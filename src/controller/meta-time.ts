/**
 * A time as the API server stores a metav1.Time: RFC 3339 in UTC, whole seconds. Written with
 * milliseconds, a status or Event field would come back truncated, so the next comparison of what
 * we would write with what is stored would differ and write again.
 */
export const metaTime = (t: number | Date): string => new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
