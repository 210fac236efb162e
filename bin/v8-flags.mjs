// V8 settings for Relance's processes (`relance start|work|serve|sync`, imported first by bin/relance.mjs).
import { setFlagsFromString } from 'node:v8';

// A sync allocates several megabytes per page (the response body, its parsed records, the raw page joined for gzip,
// the statement's JSON) and keeps only tens of megabytes live. V8's default lets garbage grow the heap to about four
// times the live set between two full collections: a 208k-record QuickBooks sync peaked at 461 MB RSS with 55-69 MB
// live. Growing by at most 2× peaked at 276-294 MB for 6-13 % more CPU (bench `sync`, 2 shared cores). V8 reads this
// flag at each collection, so setting it once the process runs is enough.
setFlagsFromString('--heap-growing-percent=100');
