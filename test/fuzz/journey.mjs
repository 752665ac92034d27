// A journey script for scenarios that only need to validate (the every-field documents): opens the page.
export default async (page, ctx) => {
  await page.goto(ctx.targets.api);
};
