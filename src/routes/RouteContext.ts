import type { AuthRuntime } from '../context/AuthRuntime.js';
import type { ContextState } from '../context/ContextState.js';
import type { AuthRouteHandlerOptions } from './AuthRouteHandlerOptions.js';

/** What each auth route receives. */
export interface RouteContext {
  runtime: AuthRuntime;
  options: AuthRouteHandlerOptions;
  request: Request;
  state: ContextState;
  /** Headers the route's cookie writes landed in; every response is built on them. */
  headers: Headers;
}
