// The postgres.js handle that every layer takes as a parameter. A type only: importing it opens nothing.
import type postgres from 'postgres'

export type Sql = postgres.Sql<Record<string, never>>
