declare const contextSpecBrand: unique symbol;

/**
 * The opaque handle an operation receives. It carries nothing itself: the
 * server APIs look up its state in the registry, which forgets it when the
 * operation settles, so a leaked handle cannot reach another request's tokens.
 */
export interface ContextSpec {
  readonly [contextSpecBrand]: true;
}
