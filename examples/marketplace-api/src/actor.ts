import { type Actor, ParleyError, ROLES } from '@parley/core'

/** The header that carries who is calling: `buyer:alice`, `seller:bob-shop`, `operator:olga`. */
export const ACTOR_HEADER = 'x-parley-actor'

/**
 * Reads the caller from the `X-Parley-Actor` header.
 *
 * This is a stand-in for real authentication: in production, derive the actor from the
 * session or the verified token, never from a header the client controls.
 */
export function actorFrom(header: string | undefined): Actor {
  const [role, ...rest] = (header ?? '').split(':')
  const id = rest.join(':')
  if (!role || !id || !(ROLES as readonly string[]).includes(role) || role === 'system') {
    throw new ParleyError(
      'FORBIDDEN',
      `Send the caller in the ${ACTOR_HEADER} header as role:id (buyer:alice).`,
      {
        issues: [
          {
            code: 'invalid_actor',
            path: ['headers', ACTOR_HEADER],
            message: 'expected buyer:<id>, seller:<id> or operator:<id>',
          },
        ],
      },
    )
  }
  return { role: role as Actor['role'], id }
}
