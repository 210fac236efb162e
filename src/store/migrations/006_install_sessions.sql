-- Sessions opened by a marketplace install are locked to the installer's company: no switching, no listing of others.
alter table sessions add column locked boolean not null default false;
