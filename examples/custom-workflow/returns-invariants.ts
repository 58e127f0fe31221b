import type { WorkflowInvariant } from '@parley/core/testing'
import type { ReturnsContext } from './returns'

// The promises the returns workflow makes, as properties of every reachable case. Each is a
// function of the case as an operator sees it and its audit trail; returning a string fails it
// with that reason.

const refundsRequested = (history: Parameters<WorkflowInvariant<ReturnsContext>>[0]['history']) =>
  history.flatMap((e) => e.emitted).filter((t) => t === 'refund.requested').length

/** The invariants of {@link returns}, by name. */
// #region invariants
export const returnsInvariants: Record<string, WorkflowInvariant<ReturnsContext>> = {
  /** Nobody is refunded more than they paid, nor a non-positive amount. */
  refundWithinOrder: ({ view }) => {
    const { refundAmount, orderTotal } = view.context
    if (refundAmount === null) return true
    return (
      (refundAmount > 0 && refundAmount <= orderTotal) ||
      `refund ${refundAmount} of an order of ${orderTotal}`
    )
  },

  /** A case is refunded exactly when a refund amount is recorded, and exactly one refund is requested. */
  oneRefundWhenRefunded: ({ view, history }) => {
    const refunded = view.state === 'refunded'
    if (refunded !== (view.context.refundAmount !== null))
      return `state ${view.state} with refundAmount ${view.context.refundAmount}`
    const requested = refundsRequested(history)
    return requested === (refunded ? 1 : 0) || `${requested} refund.requested events in state ${view.state}`
  },

  /** The seller refunds only goods they received; only the operator refunds without them. */
  noRefundWithoutGoods: ({ view, history }) => {
    if (view.state !== 'refunded') return true
    const types = new Set(history.map((e) => e.type))
    return types.has('receive') || types.has('decide') || 'refunded before the parcel was received'
  },

  /** A parcel on its way or being inspected has a tracking number. */
  shippedHasTracking: ({ view }) =>
    !['inTransit', 'inspecting'].includes(view.state) || view.context.tracking !== null || 'no tracking',

  /** A refusal always says why. */
  refusalExplained: ({ view }) => view.state !== 'refused' || (view.context.refusal?.length ?? 0) > 0,

  /** Escalations record who escalated, and the operator is the only one who closes an escalation. */
  escalationsAttributed: ({ view, history }) => {
    const escalated = history.some((e) => e.to === 'escalated')
    if (escalated && view.context.escalatedBy === null) return 'escalated without escalatedBy'
    const leftEscalation = history.find((e) => e.from === 'escalated' && e.to !== 'escalated')
    return (
      !leftEscalation ||
      leftEscalation.actor.role === 'operator' ||
      `${leftEscalation.actor.role} ended an escalation`
    )
  },
}
// #endregion invariants
