// A BODACC "procédures collectives" record as the publisher serves it (fields: see src/insolvency/bodacc.ts).
export const SIREN = '552100554';
export const record = (patch: Record<string, unknown> = {}, judgment: Record<string, unknown> = {}) => ({
  id: 'A202400123456',
  dateparution: '2024-03-15',
  familleavis: 'collective',
  familleavis_lib: 'Procédures collectives',
  registre: ['552 100 554', SIREN],
  tribunal: 'TRIBUNAL DE COMMERCE DE LYON',
  jugement: JSON.stringify({
    type: 'initial', famille: "Jugement d'ouverture", nature: "Jugement d'ouverture d'une procédure de redressement judiciaire",
    date: '2024-03-05', complementJugement: 'Mandataire judiciaire : SELARL MJ Synergie, 230 rue Garibaldi 69003 Lyon. Les déclarations de créances sont à adresser au mandataire judiciaire.',
    ...judgment,
  }),
  ...patch,
});

