// The mapping step of the sync engine: each tenant's active mapping (override or shipped), compiled once.
export { mapperResolver } from '../mapping/overrides.js';
