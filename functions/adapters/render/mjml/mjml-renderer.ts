/**
 * The MJML path: templates filled by the templater, then run through MJML. It is the oracle the
 * precompiled pieces are made from (npm run build:emails) and checked against (tests); no function
 * runs it, so no Lambda bundle carries mjml.
 */
import mjml2html from 'mjml';
import { join } from 'node:path';
import {
  assertHttpUrl,
  collapseIndentation,
  CONFIRM_URL_PLACEHOLDER,
  personalize,
  RenderError,
  type Renderer,
} from '../email-renderer';
import { CONFIRMATION_MODEL, digestModel, NEW_LINK_MODEL } from '../email-models';
import { compileTemplate, escapeHtml, type Template } from '../templater';
import { defaultTemplatesDir, readPartials, readTemplate } from '../templates-dir';

// `fonts: {}`: no web-font <link> (MJML adds one for Roboto otherwise); system fonts only.
const MJML_OPTIONS = { validationLevel: 'strict', keepComments: false, fonts: {} } as const;

/** Runs MJML over a filled template; `name` says which one in the RenderError of a failure. */
export async function mjmlToHtml(mjml: string, name: string): Promise<string> {
  try {
    const result = await mjml2html(mjml, MJML_OPTIONS);
    return collapseIndentation(result.html);
  } catch (error) {
    throw new RenderError(`MJML could not render ${name}: ${(error as Error).message}`, { cause: error });
  }
}

/** The folder of the email templates (`<templates>/emails`) and its partials. */
export function readEmailTemplates(templatesDir = defaultTemplatesDir()) {
  const dir = join(templatesDir, 'emails');
  return {
    read: (file: string) => readTemplate(dir, file),
    partials: readPartials(join(dir, 'partials')),
  };
}

/** Runs an MJML render on first use and keeps its result; a failed render is tried again next time. */
function renderedOnce(render: () => Promise<string>): () => Promise<string> {
  let html: Promise<string> | undefined;
  return () => {
    html ??= render();
    return html.catch((error: unknown) => {
      html = undefined;
      throw error;
    });
  };
}

/**
 * Reads and compiles the email templates once (at construction: a missing template fails at once);
 * each digest fills them and runs MJML. The confirmation and new-link emails' MJML is rendered once,
 * then only their links change.
 */
export function createMjmlRenderer(options: { templatesDir?: string } = {}): Renderer {
  const templates = readEmailTemplates(options.templatesDir);
  const load = (file: string, escape: 'html' | 'none'): Template =>
    compileTemplate(templates.read(file), { name: file, escape, partials: templates.partials });
  const digestMjml = load('digest.mjml', 'html');
  const digestText = load('digest.txt', 'none');
  const confirmMjml = load('confirm.mjml', 'html');
  const confirmText = load('confirm.txt', 'none');
  const newLinkMjml = load('new-link.mjml', 'html');
  const newLinkText = load('new-link.txt', 'none');

  const confirmHtml = renderedOnce(() => mjmlToHtml(confirmMjml(CONFIRMATION_MODEL), 'confirm.mjml'));
  const newLinkHtml = renderedOnce(() => mjmlToHtml(newLinkMjml(NEW_LINK_MODEL), 'new-link.mjml'));

  return {
    personalize,

    async renderDigest(input) {
      const model = digestModel(input);
      const html = await mjmlToHtml(digestMjml(model), 'digest.mjml');
      return { subject: model.subject, html, text: digestText(model) };
    },

    async renderConfirmation({ confirmUrl }) {
      assertHttpUrl(confirmUrl, 'confirmUrl');
      const html = await confirmHtml();
      return {
        subject: CONFIRMATION_MODEL.subject,
        html: html.split(CONFIRM_URL_PLACEHOLDER).join(escapeHtml(confirmUrl)),
        text: confirmText(CONFIRMATION_MODEL).split(CONFIRM_URL_PLACEHOLDER).join(confirmUrl),
      };
    },

    async renderNewLink(links) {
      assertHttpUrl(links.manageUrl, 'manageUrl');
      assertHttpUrl(links.unsubscribeUrl, 'unsubscribeUrl');
      const rendered = {
        subject: NEW_LINK_MODEL.subject,
        html: await newLinkHtml(),
        text: newLinkText(NEW_LINK_MODEL),
      };
      // The same placeholders as a digest's, so personalize() fills them (escaped in the HTML).
      return personalize(rendered, links);
    },
  };
}
