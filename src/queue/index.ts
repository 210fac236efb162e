// The queue: job contract, drivers, and the choice between them (REDIS_URL → BullMQ, else in-process).
export * from './jobs.js';
export * from './driver.js';
export { createMemoryQueue } from './memory.js';
export { createBullQueue } from './bullmq.js';
