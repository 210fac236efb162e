-- Tenant-edited message templates (Liquid), validated before they are stored; the shipped ones apply otherwise.
create table tenant_templates (
  tenant_id    uuid not null references tenants(id) on delete cascade,
  template_id  text not null,
  language     text not null,
  subject      text not null,
  text_body    text not null,
  html_body    text not null,
  updated_by   text not null,
  updated_at   timestamptz not null default now(),
  primary key (tenant_id, template_id, language)
);
