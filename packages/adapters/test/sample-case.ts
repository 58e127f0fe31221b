// The adapters' tests use the conformance suite's sample record.
export { sampleCase } from '@parley/core/testing'
