/**
 * The built-in prior: general machine-learning vocabulary whose written forms are equivalent
 * (an acronym and its long form, spelling variants). Matching rewrites every form of a concept to
 * its first form, word by word, so "MoE", "mixture of experts" and "mixture-of-experts models" meet,
 * and "language model" still matches inside an expanded "LLM".
 *
 * Only true equivalences belong here, never "related" terms: a reader who types "video generation"
 * must not get every video paper. Acronyms that mean several things in ML ("TTS" is text-to-speech
 * and test-time scaling) are `ambiguous`: their long forms are still merged, but the bare acronym is
 * read only where the paper itself defines it.
 */
export interface LexiconConcept {
  id: string;
  /** Long forms and spelling variants. */
  forms: string[];
  /** Acronyms read everywhere. */
  acronyms?: string[];
  /** Acronyms read only where a paper defines them with one of `forms`. */
  ambiguous?: string[];
}

export const LEXICON: LexiconConcept[] = [
  { id: 'llm', forms: ['large language model'], acronyms: ['LLM'] },
  { id: 'mllm', forms: ['multimodal large language model', 'multimodal llm'], acronyms: ['MLLM'] },
  { id: 'lmm', forms: ['large multimodal model'], acronyms: ['LMM'] },
  { id: 'vlm', forms: ['vision language model', 'visual language model'], acronyms: ['VLM', 'LVLM'] },
  { id: 'vla', forms: ['vision language action model', 'vision language action'], acronyms: ['VLA'] },
  { id: 'slm', forms: ['small language model'], acronyms: ['SLM'] },
  { id: 'lrm', forms: ['large reasoning model'], acronyms: ['LRM'] },
  { id: 'lm', forms: ['language model'], acronyms: ['LM'] },
  { id: 'moe', forms: ['mixture of experts', 'mixture of expert'], acronyms: ['MoE'] },
  { id: 'rl', forms: ['reinforcement learning'], acronyms: ['RL'] },
  {
    id: 'rlhf',
    forms: ['reinforcement learning from human feedback', 'rl from human feedback'],
    acronyms: ['RLHF'],
  },
  {
    id: 'rlaif',
    forms: ['reinforcement learning from ai feedback', 'rl from ai feedback'],
    acronyms: ['RLAIF'],
  },
  {
    id: 'rlvr',
    forms: [
      'reinforcement learning with verifiable rewards',
      'reinforcement learning from verifiable rewards',
      'reinforcement learning with verifiable reward',
      'rl with verifiable rewards',
    ],
    acronyms: ['RLVR'],
  },
  { id: 'dpo', forms: ['direct preference optimization'], acronyms: ['DPO'] },
  { id: 'ppo', forms: ['proximal policy optimization'], acronyms: ['PPO'] },
  { id: 'grpo', forms: ['group relative policy optimization'], acronyms: ['GRPO'] },
  { id: 'sft', forms: ['supervised fine tuning', 'supervised finetuning'], acronyms: ['SFT'] },
  {
    id: 'finetune',
    forms: ['fine tuning', 'finetuning', 'fine tuned', 'finetuned', 'fine tune', 'finetune'],
  },
  {
    id: 'peft',
    forms: ['parameter efficient fine tuning', 'parameter efficient finetuning'],
    acronyms: ['PEFT'],
  },
  { id: 'lora', forms: ['low rank adaptation'], acronyms: ['LoRA'] },
  { id: 'rag', forms: ['retrieval augmented generation', 'retrieval augmented'], acronyms: ['RAG'] },
  { id: 'kv', forms: ['key value'], acronyms: ['KV'] },
  { id: 'cot', forms: ['chain of thought', 'chains of thought'], acronyms: ['CoT'] },
  { id: 'icl', forms: ['in context learning'], acronyms: ['ICL'] },
  { id: 'tts', forms: ['text to speech', 'speech synthesis', 'speech generation'], ambiguous: ['TTS'] },
  { id: 'test-time-scaling', forms: ['test time scaling'], ambiguous: ['TTS'] },
  { id: 'asr', forms: ['automatic speech recognition', 'speech recognition'], acronyms: ['ASR'] },
  { id: 'gui', forms: ['graphical user interface'], acronyms: ['GUI'] },
  { id: 'nerf', forms: ['neural radiance field'], acronyms: ['NeRF'] },
  {
    id: '3dgs',
    forms: ['3d gaussian splatting', 'gaussian splatting'],
    acronyms: ['3DGS'],
    ambiguous: ['GS'],
  },
  { id: 'vqa', forms: ['visual question answering'], acronyms: ['VQA'] },
  { id: 'qa', forms: ['question answering'], acronyms: ['QA'] },
  { id: 'ocr', forms: ['optical character recognition'], acronyms: ['OCR'] },
  { id: 'mcts', forms: ['monte carlo tree search'], acronyms: ['MCTS'] },
  { id: 'prm', forms: ['process reward model'], acronyms: ['PRM'] },
  { id: 'orm', forms: ['outcome reward model'], acronyms: ['ORM'] },
  { id: 'reward-model', forms: ['reward model'], ambiguous: ['RM'] },
  { id: 'kd', forms: ['knowledge distillation'], ambiguous: ['KD'] },
  { id: 'vae', forms: ['variational autoencoder', 'variational auto encoder'], acronyms: ['VAE'] },
  { id: 'gan', forms: ['generative adversarial network'], acronyms: ['GAN'] },
  { id: 'vit', forms: ['vision transformer'], acronyms: ['ViT'] },
  { id: 'dit', forms: ['diffusion transformer'], acronyms: ['DiT'] },
  { id: 'ssm', forms: ['state space model'], acronyms: ['SSM'] },
  { id: 'mcp', forms: ['model context protocol'], acronyms: ['MCP'] },
  { id: 't2i', forms: ['text to image'], acronyms: ['T2I'] },
  { id: 't2v', forms: ['text to video'], acronyms: ['T2V'] },
  { id: 'i2v', forms: ['image to video'], acronyms: ['I2V'] },
  { id: 'ood', forms: ['out of distribution'], acronyms: ['OOD'] },
  { id: 'sota', forms: ['state of the art'], acronyms: ['SOTA'] },
  { id: 'nlp', forms: ['natural language processing'], acronyms: ['NLP'] },
  { id: 'sae', forms: ['sparse autoencoder', 'sparse auto encoder'], acronyms: ['SAE'] },
  {
    id: 'dllm',
    forms: ['diffusion large language model', 'diffusion llm', 'diffusion language model'],
    acronyms: ['dLLM'],
  },
  { id: 'mlm', forms: ['masked language model'], ambiguous: ['MLM'] },
  { id: 'ar', forms: ['autoregressive', 'auto regressive'], ambiguous: ['AR'] },
  { id: 'sr', forms: ['super resolution'], ambiguous: ['SR'] },
  { id: 'sd', forms: ['speculative decoding'], ambiguous: ['SD'] },
  { id: 'stable-diffusion', forms: ['stable diffusion'], ambiguous: ['SD'] },
  { id: 'mla', forms: ['multi head latent attention', 'multihead latent attention'], ambiguous: ['MLA'] },
  { id: 'gqa', forms: ['grouped query attention'], ambiguous: ['GQA'] },
  { id: 'ner', forms: ['named entity recognition'], acronyms: ['NER'] },
  { id: 'mt', forms: ['machine translation'], ambiguous: ['MT', 'NMT'] },
  { id: 'agi', forms: ['artificial general intelligence'], acronyms: ['AGI'] },
  { id: 'ai', forms: ['artificial intelligence'], acronyms: ['AI'] },
  { id: 'ml', forms: ['machine learning'], acronyms: ['ML'] },
  { id: 'dataset', forms: ['dataset', 'data set'] },
  { id: 'benchmark', forms: ['benchmark', 'bench mark'] },
  { id: 'multimodal', forms: ['multimodal', 'multi modal', 'multi modality', 'multimodality'] },
  { id: 'real-time', forms: ['real time', 'realtime'] },
  // One word, so that "real-world" says nothing about "world models".
  { id: 'real-world', forms: ['realworld', 'real world'] },
  // One word: "on" is a stop word, and "device" alone is not the concept.
  { id: 'on-device', forms: ['ondevice', 'on device'] },
  // One word (the first form): a language phenomenon, not "code" (code generation) nor "switching".
  {
    id: 'code-switching',
    forms: ['codeswitching', 'code switching', 'code switched', 'code switch', 'code mixing', 'code mixed'],
  },
  { id: 'open-source', forms: ['open source', 'opensource', 'open sourced'] },
  { id: 'long-context', forms: ['long context', 'longcontext'] },
  { id: 'text-to-3d', forms: ['text to 3d'] },
  { id: 'image-to-3d', forms: ['image to 3d'] },
  { id: 'embodied', forms: ['embodied', 'embodiment'] },
  // Derivational families the stemmer does not join: one concept however the sentence is built
  // ("data synthesis" = "synthetic data" = "synthesized data"; "agentic search" = "agent search").
  {
    id: 'synthesis',
    forms: [
      'synthesis',
      'synthetic',
      'synthesize',
      'synthesized',
      'synthesizing',
      'synthesise',
      'synthesised',
    ],
  },
  { id: 'agent', forms: ['agent', 'agentic'] },
  { id: 'efficient', forms: ['efficient', 'efficiency', 'efficiently'] },
  { id: 'math', forms: ['math', 'mathematical', 'mathematics', 'maths'] },
  { id: 'medical', forms: ['medical', 'medicine'] },
  { id: 'financial', forms: ['financial', 'finance', 'finances'] },
  { id: 'statistical', forms: ['statistical', 'statistics'] },
  { id: 'biological', forms: ['biological', 'biology'] },
  { id: 'chemical', forms: ['chemical', 'chemistry'] },
  { id: 'economic', forms: ['economic', 'economics', 'economy'] },
  { id: 'geometric', forms: ['geometric', 'geometry', 'geometrical'] },
  { id: 'musical', forms: ['music', 'musical'] },
  { id: 'robot', forms: ['robot', 'robotic', 'robotics'] },
  // First form "vision": the long forms of VLM, VLA and ViT say "vision" and are not rewritten again.
  { id: 'vision', forms: ['vision', 'visual'] },
  // Near-synonyms the field uses interchangeably for systems that get better from their own experience.
  {
    id: 'self-evolving',
    forms: [
      'selfevolving',
      'self evolving',
      'self evolution',
      'self evolve',
      'self evolved',
      'self improving',
      'self improvement',
      'self improve',
      'self improved',
    ],
  },
];

import { stem } from './analysis';

const ACRONYM_SPELLINGS = new Map(
  LEXICON.flatMap((concept) => [...(concept.acronyms ?? []), ...(concept.ambiguous ?? [])]).map(
    (acronym) => [acronym.toLowerCase(), acronym] as const,
  ),
);

/** How the field writes an acronym typed in lower case ("rlhf" is "RLHF", "moes" "MoEs"), or undefined. */
export function acronymSpelling(word: string): string | undefined {
  const spelled = ACRONYM_SPELLINGS.get(word);
  if (spelled) return spelled;
  const singular = word.endsWith('s') ? ACRONYM_SPELLINGS.get(word.slice(0, -1)) : undefined;
  return singular ? `${singular}s` : undefined;
}

/**
 * Words too common in ML papers to carry a topic alone (as stems). A part of a phrase made only of
 * these ("language models" of "diffusion language models") earns no partial credit.
 */
export const GENERIC_WORDS = new Set(
  (
    'model language large learning learn data method methods system framework network neural task training train ' +
    'performance approach generation generative efficient efficiency new based deep multi agent agents ai ' +
    'analysis study benchmark evaluation results paper work improve improving improved better fast scalable ' +
    'vision visual text image'
  )
    .split(' ')
    .map(stem),
);
