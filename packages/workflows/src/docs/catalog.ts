import type { WorkflowDefinition } from '@parley/core'
import { dispute } from '../dispute/dispute'
import { disputePolicyDocs } from '../dispute/policy'
import { listingModeration } from '../listing-moderation/listing-moderation'
import { listingPolicyDocs } from '../listing-moderation/policy'
import { reviewPolicyDocs } from '../review/policy'
import { review } from '../review/review'
import { ticketPolicyDocs } from '../ticket/policy'
import { ticket } from '../ticket/ticket'
import type { PolicyDoc } from './policy-doc'

/** A built-in workflow with its default definition and its policy table, for generated docs. */
export interface WorkflowCatalogEntry {
  readonly name: string
  readonly workflow: WorkflowDefinition
  readonly policy: readonly PolicyDoc[]
}

/** The built-in workflows, with default policies. */
export function workflowCatalog(): WorkflowCatalogEntry[] {
  return [
    { name: 'ticket', workflow: ticket(), policy: ticketPolicyDocs },
    { name: 'dispute', workflow: dispute(), policy: disputePolicyDocs },
    { name: 'listingModeration', workflow: listingModeration(), policy: listingPolicyDocs },
    { name: 'review', workflow: review(), policy: reviewPolicyDocs },
  ]
}
