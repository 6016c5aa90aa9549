import type { Handler, KubeObject } from './informer.js';

/**
 * What readers of an informer's cache use: a lookup by key, the whole list, and change
 * notifications. Informer implements it; a controller's unit tests give it an in-memory one.
 */
export interface ObjectCache<T extends KubeObject = KubeObject> {
  get(key: string): T | undefined;
  list(): T[];
  on(h: Handler<T>): unknown;
}
