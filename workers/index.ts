// Worker entry points handed to the CLI by bin/relance.mjs: processors and schedules.
export { createProcessors, type ProcessorOptions } from './processors.js';
export { installSchedules, scheduleConnections } from './schedules.js';
