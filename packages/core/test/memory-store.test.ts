import { testStore } from '@parley/core/testing'
import { memoryStore } from '../src/index'

testStore({ name: 'memory', create: async () => memoryStore() })
