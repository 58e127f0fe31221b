import { memoryStore } from '@parley/core'
import { testStore } from '@parley/core/testing'

testStore({ name: 'memory', create: async () => memoryStore() })
