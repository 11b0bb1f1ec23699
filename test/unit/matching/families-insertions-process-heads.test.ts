import { parseQuery } from '../../../functions/core/matching';
import { analyze } from '../../../functions/core/matching/canonical';
import { aPaper, dropped, ids, match } from './builders';

const stems = (text: string): string[] => analyze(text).map((token) => token.stem);

describe('derivational families', () => {
  it('writes synthetic, synthesis and synthesized as one word', () => {
    const [one] = stems('synthesis');
    for (const word of ['synthetic', 'synthesized', 'synthesizing', 'synthesise'])
      expect(stems(word)).toEqual([one]);
  });

  it('reads "agentic" as "agent"', () => {
    expect(stems('agentic search')).toEqual(stems('agent search'));
  });

  it('treats self-improving and self-evolving as one concept', () => {
    expect(stems('self-improving agents')).toEqual(stems('self-evolving agents'));
    expect(stems('self-evolution')).toEqual(stems('self-evolving'));
  });

  it('keeps unrelated words apart', () => {
    expect(stems('agency')).not.toEqual(stems('agent'));
    expect(stems('evolutionary search')).not.toEqual(stems('self-evolving search'));
  });
});

describe('a model name inside a phrase', () => {
  it('finds "self-improving agents" in "Self-Improving LLM Agents", as the phrase', () => {
    const paper = aPaper({
      title: 'Self-Improving LLM Agents at Test-Time',
      abstract: 'Agents refine their own behaviour from feedback on hard cases. Nothing else is needed.',
    });
    const hits = match([paper], 'self-improving agents');
    expect(ids(hits)).toEqual([paper.id]);
    expect(hits[0].matched).toContain('Self Improving LLM Agents');
  });

  it('allows one model name only, not any word', () => {
    // In the summary, not the title: a title holding the words close together counts on its own.
    const paper = aPaper({
      title: 'Automated Review of Pull Requests',
      abstract: 'Code review tools improve over time. Software agents read the reviews.',
      aiSummary: 'Self-improving code review assistants for software agents.',
    });
    expect(ids(match([paper], 'self-improving agents'))).toEqual([]);
  });
});

describe('process heads', () => {
  it('drops "generation" after two specific words, not after one', () => {
    expect(dropped('synthetic data generation')).toEqual(['synthetic data']);
    expect(dropped('video generation')).toEqual([]);
    expect(dropped('code generation')).toEqual([]);
  });

  it('finds "synthetic data generation" in a paper on data synthesis, in either word order', () => {
    const paper = aPaper({
      title: 'Open Data Synthesis for Deep Research',
      abstract:
        'Deep research agents need hard questions. We synthesize question-answer pairs at scale and verify them.',
      aiSummary: 'A scalable data synthesis pipeline for deep research questions.',
      aiKeywords: ['data synthesis', 'deep research'],
    });
    expect(ids(match([paper], 'synthetic data generation'))).toEqual([paper.id]);
  });

  it('still needs the words where a paper says what it is about', () => {
    const paper = aPaper({
      title: 'Scaling Video Reasoning',
      abstract:
        'We train a video model. Part of the data is synthetic. The generation of answers is slow. Data is hard to collect. We report results. We release code.',
      aiSummary: 'A video reasoning model trained with reinforcement learning.',
    });
    expect(ids(match([paper], 'synthetic data generation'))).toEqual([]);
  });

  it('needs the process itself where a paper says what it is about: long video understanding is no long video generation', () => {
    const generation = aPaper({
      title: 'Rolling Diffusion for Minute-Long Videos',
      abstract: 'Long videos drift. Our rolling diffusion keeps long videos consistent for minutes.',
      aiSummary: 'A diffusion model that generates long videos in real time.',
      aiKeywords: ['long videos', 'autoregressive diffusion'],
    });
    const understanding = aPaper({
      title: 'Thinking with Long Videos via Frame Spotlighting',
      abstract:
        'Long videos are hard to understand. Our agent spotlights frames of long videos to answer questions.',
      aiSummary: 'A video LLM that reasons over long videos by selecting frames.',
      aiKeywords: ['long videos', 'video question answering'],
    });
    expect(ids(match([generation, understanding], 'long video generation'))).toEqual([generation.id]);
  });
});

describe('a modality word inside a model name', () => {
  it('reads "video reasoning with large multimodal models" as multimodal reasoning', () => {
    const paper = aPaper({
      title: 'A Deep Dive into Video Reasoning with Large Multimodal Models',
      abstract:
        'We post-train video models with reinforcement learning. Reasoning improves on six benchmarks.',
      aiSummary: 'Post-training recipes for reasoning in large multimodal models (LMMs) over video.',
    });
    expect(ids(match([paper], 'multimodal reasoning'))).toEqual([paper.id]);
  });

  it('does not let other words of a model name stand alone ("language" of "multimodal LLM")', () => {
    const paper = aPaper({
      title: 'Diffusion Decoding for Multimodal LLMs',
      abstract:
        'We decode multimodal LLM outputs with a diffusion head. Quality matches autoregressive decoding.',
      aiSummary: 'A diffusion decoder for multimodal LLMs.',
    });
    expect(ids(match([paper], 'diffusion language models'))).toEqual([]);
  });
});

describe('tools and processes', () => {
  it('keeps an optimizer apart from every optimization', () => {
    expect(stems('optimizers')).toEqual(stems('optimizer'));
    expect(stems('optimizer')).not.toEqual(stems('optimization'));
    const policy = aPaper({
      title: 'Group Policy Optimization for Reasoning',
      abstract: 'We optimize the policy with group baselines. Optimization is stable.',
      aiSummary: 'A policy optimization method for LLM reasoning.',
    });
    const muon = aPaper({
      title: 'Muon Is Scalable: An Optimizer for LLM Training',
      abstract: 'We study the Muon optimizer at scale. The optimizer halves the steps needed.',
      aiSummary: 'An optimizer for large language model pretraining.',
    });
    expect(ids(match([policy, muon], 'optimizers'))).toEqual([muon.id]);
  });

  it('joins "-ability" to its verb: interpretability = interpreting', () => {
    expect(stems('interpretability')).toEqual(stems('interpreting'));
    expect(stems('scalability')).not.toEqual(stems('scale'));
  });
});

describe('related terms of the whole phrase', () => {
  const expansions = (text: string): string[] =>
    (parseQuery(text).include[0].expansions ?? []).map((expansion) => expansion.text);

  it('uses the group written for the whole phrase, not groups for its words', () => {
    expect(expansions('model compression')).toContain('pruning');
    expect(expansions('model compression')).not.toContain('model merging');
  });

  it('keeps the multi-word terms inside a phrase that has a group of its own', () => {
    // "deep research agent" has its own group; "deep research" inside it still gives "agentic search agent".
    expect(expansions('deep research agent')).toEqual(
      expect.arrayContaining(['deep research', 'agentic search agent']),
    );
  });

  it('still replaces words inside a phrase no group names whole', () => {
    expect(expansions('KV cache compression').some((text) => /cache eviction/i.test(text))).toBe(true);
  });
});

describe('model names and connectors as optional words', () => {
  it('reads "multilingual LLMs" as multilingual work, where the paper says what it is about', () => {
    expect(dropped('multilingual LLMs')).toEqual(['multilingual']);
    const corpus = aPaper({
      title: 'mOSCAR: A Large-scale Multilingual and Multimodal Document-level Corpus',
      abstract: 'We collect documents in 163 languages. Models trained on it improve few-shot learning.',
      aiSummary: 'A multilingual multimodal corpus for training models.',
    });
    const passing = aPaper({
      title: 'Faster Decoding for Chat Models',
      abstract:
        'We speed up decoding. It works for English. It works for code. It works for math. It works for tools. Results hold on a multilingual benchmark too.',
    });
    expect(ids(match([corpus, passing], 'multilingual LLMs'))).toEqual([corpus.id]);
  });

  it('keeps a model name that is the whole specific part ("reward models" is not "reward")', () => {
    expect(dropped('reward models')).toEqual([]);
  });

  it('drops the connector of a hyphenated modifier ("physics-aware")', () => {
    expect(dropped('physics-aware video generation')).toEqual(['physics video generation']);
    const paper = aPaper({
      title: 'PhysCtrl: Generative Physics for Controllable and Physics-Grounded Video Generation',
      abstract: 'Video generators ignore physics. We add a physics simulator to video generation.',
      aiSummary: 'Physics-grounded controllable video generation.',
    });
    expect(ids(match([paper], 'physics-aware video generation'))).toEqual([paper.id]);
  });
});

describe('measuring heads', () => {
  it('reads "uncertainty estimation" as uncertainty, "video generation" stays whole', () => {
    expect(dropped('uncertainty estimation')).toEqual(['uncertainty']);
    expect(dropped('video generation')).toEqual([]);
  });

  it('keeps "-playing" ("role-playing agents" are not "role agents")', () => {
    expect(dropped('role-playing agents')).toEqual([]);
    const roleAgents = aPaper({
      title: 'Role Agents for Negotiation',
      abstract: 'Role agents negotiate deals with each other. Each agent has a role.',
    });
    expect(ids(match([roleAgents], 'role-playing agents'))).toEqual([]);
  });
});

describe('adjective and noun of one field', () => {
  it('reads finance = financial and vision = visual', () => {
    expect(stems('financial')).toEqual(stems('finance'));
    expect(stems('vision encoder')).toEqual(stems('visual encoder'));
  });

  it('still reads "vision" inside the long forms of VLM and ViT', () => {
    const vlm = aPaper({
      title: 'Scaling Vision-Language Models for Documents',
      abstract: 'We scale vision-language models. Vision-language pretraining helps.',
    });
    const vit = aPaper({
      title: 'A Vision Transformer for Dense Prediction',
      abstract: 'Vision transformers predict depth. Our vision transformer is small.',
    });
    expect(ids(match([vlm, vit], 'vision-language'))).toEqual([vlm.id]);
    expect(ids(match([vit], 'vision'))).toEqual([vit.id]);
  });

  it('reads a name-like related term in its plural ("EHRs" for "EHR")', () => {
    const ehr = aPaper({
      title: 'Learning from EHRs at Scale',
      abstract: 'Clinical models learn from EHRs. Patients benefit from better EHR models.',
      aiSummary: 'Medical models trained on EHRs.',
    });
    expect(ids(match([ehr], 'medical AI'))).toEqual([ehr.id]);
  });

  it('reads the CLIP model by its name', () => {
    const clip = aPaper({
      title: 'Scaling CLIP Encoders for Multilingual Retrieval',
      abstract: 'We train CLIP at scale. The CLIP encoder transfers to many languages.',
      aiSummary: 'A larger CLIP for multilingual image-text retrieval.',
    });
    expect(ids(match([clip], 'vision encoders'))).toEqual([clip.id]);
  });

  it('does not read "clipping" as the CLIP model', () => {
    const ppo = aPaper({
      title: 'Gradient-Preserving Clipping for Policy Optimization',
      abstract: 'Clipping discards gradients of rare tokens. We keep them. Clipping ratios matter.',
      aiSummary: 'A clipping mechanism for PPO-style RL of language models.',
    });
    expect(ids(match([ppo], 'vision encoders'))).toEqual([]);
  });
});
