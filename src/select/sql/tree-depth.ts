import { S3Error } from '../../s3/errors.js';
import type { Expr } from './ast.js';
import { MAX_TREE_DEPTH } from './limits.js';

/**
 * Depth of every node the parser builds, recorded as it builds them, so a
 * too-deep tree is refused before anything walks it recursively.
 */
const depths = new WeakMap<Expr, number>();

export function depthOf(expr: Expr): number {
  return depths.get(expr) ?? 1;
}

/** Records `expr`'s depth from its children; refuses trees deeper than MAX_TREE_DEPTH. */
export function built<E extends Expr>(expr: E, children: (Expr | undefined)[]): E {
  let deepest = 0;
  for (const child of children) if (child) deepest = Math.max(deepest, depthOf(child));
  const depth = deepest + 1;
  if (depth > MAX_TREE_DEPTH) {
    throw new S3Error('ParseUnsupportedSyntax', { message: `The SQL expression nests deeper than ${MAX_TREE_DEPTH} levels.` });
  }
  depths.set(expr, depth);
  return expr;
}
