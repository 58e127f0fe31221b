import { z } from 'zod'

/** The parties of a marketplace, plus `system` for timers and rules. */
export type Role = 'buyer' | 'seller' | 'operator' | 'system'

/** The roles a person can hold; `system` is the engine itself. */
export const PARTY_ROLES = ['buyer', 'seller', 'operator'] as const

/** Every role, `system` included. */
export const ROLES = ['buyer', 'seller', 'operator', 'system'] as const

/** Who acts: a role and the id of the person (or process) holding it. */
export interface Actor {
  readonly role: Role
  readonly id: string
}

/** zod schema of an {@link Actor}. */
export const actorSchema = z.object({
  role: z.enum(ROLES),
  id: z.string().min(1).max(200),
})

/** The actor the engine uses for deadline firings. */
export const SYSTEM_ACTOR: Actor = Object.freeze({ role: 'system', id: 'scheduler' })

/**
 * The parties of a case: the id holding each role (`{ buyer: 'b1', seller: 's9' }`).
 * Operators are not listed: every operator is a party of every case.
 */
export type Parties = Partial<Record<'buyer' | 'seller', string>> & Record<string, string | undefined>
