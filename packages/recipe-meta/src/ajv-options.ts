/** Options of the ajv instance that generates the validators (strict: schema typos are errors). */
export const AJV_OPTIONS = { allErrors: true, strict: true, strictRequired: false } as const;
