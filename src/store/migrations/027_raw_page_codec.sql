-- Raw pages are now compressed with Brotli (quality 1), and each page says how (#29).
--
-- Why: gzip level 1 of a page cost 6.0 µs per QuickBooks invoice (2.2 KB of JSON) on a zlib thread, a tenth of the
-- CPU a sync spends per record. Brotli at quality 1 took 3.1 µs for a page 18 % smaller (173 KB against 211 KB for
-- 1,000 invoices) and inflates as fast. Pages written before keep their gzip body and are read as such.
alter table raw_pages add column codec text not null default 'gzip' check (codec in ('gzip', 'br'));
