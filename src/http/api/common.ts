// What every API route module shares: the path prefix, the environment bearer auth sets, who a token is in the activity log, and response helpers.
import { z } from '@hono/zod-openapi';
import type { BearerVariables } from '../auth/bearer.js';
import { ErrorBody } from './schemas.js';

export type ApiEnv = { Variables: BearerVariables };

export const API_PREFIX = '/api/v1';

/** Who made a change through the API, as the activity log says it. */
export const tokenActor = (token: { name: string; prefix: string }) => `api token "${token.name}" (${token.prefix}…)`;

/** A JSON response of the OpenAPI document. */
export const json = <T extends z.ZodType>(schema: T, description: string) => ({ content: { 'application/json': { schema } }, description });
export const notFound = json(ErrorBody, 'Not found (or belongs to another tenant)');
export const security = [{ Bearer: [] }];
