export {
  personalize,
  LINK_PLACEHOLDERS,
  RenderError,
  type DigestEmailInput,
  type RenderedEmail,
  type Renderer,
} from './email-renderer';
export { createRenderer } from './precompiled-renderer';
export { createAssembledRenderer, type AssembledRenderer, type CompiledEmails } from './assembled-renderer';
export {
  createPageRenderer,
  renderConfirmPage,
  renderLandingPage,
  renderMessagePage,
  renderPreferencesPage,
  renderUnsubscribePage,
  type MessagePageInput,
  type PageRenderer,
  type PageTopic,
} from './pages';
export { defaultTemplatesDir } from './templates-dir';
