import { agentNounsOf } from '../../../functions/core/matching/query';
import { aPaper, ids, match } from './builders';

const DEEP_ABSTRACT =
  'Large language models are evaluated on many tasks. We collect questions about events. ' +
  'We annotate answers with dates. We release the data. We compare twelve models. ' +
  'Results show that reasoning benchmarks underestimate the gap between models.';

describe('a title that holds the phrase in its own words', () => {
  it('is no passing mention: the title names the subject, the abstract says the phrase once', () => {
    const benchmark = aPaper({
      title: 'Test of Time: A Benchmark for Evaluating LLMs on Temporal Reasoning',
      abstract: DEEP_ABSTRACT,
    });
    expect(ids(match([benchmark], 'reasoning benchmarks'))).toEqual([benchmark.id]);
  });

  it('still drops a single deep mention when the title holds only one of the words', () => {
    const elsewhere = aPaper({
      title: 'Test of Time: Dating Historical Events with Language Models',
      abstract: DEEP_ABSTRACT,
    });
    expect(ids(match([elsewhere], 'reasoning benchmarks'))).toEqual([]);
  });
});

describe('the words of a phrase close together in a title', () => {
  it('count as the phrase: the title says what the paper is about', () => {
    const agentGym = aPaper({
      title: 'Training LLM Agents for Long-Horizon Decision Making through Multi-Turn RL',
      abstract: 'Agents must act over many steps. We build environments and train policies with RL.',
      aiSummary: 'A framework for training language agents with reinforcement learning.',
    });
    expect(ids(match([agentGym], 'long-horizon agents'))).toEqual([agentGym.id]);
  });

  it('do not when many other words stand between them', () => {
    const scattered = aPaper({
      title: 'Agents Reading Scanned Historical Documents over Long Horizons',
      abstract: 'We digitize archives. Our pipeline reads pages.',
      aiSummary: 'A document digitization pipeline.',
    });
    expect(ids(match([scattered], 'long-horizon agents'))).toEqual([]);
  });
});

describe('field terms for a reader phrase the papers rarely say', () => {
  it('reads point tracking as object tracking', () => {
    const tracking = aPaper({
      title: 'Counterfactual Point Tracking with Video Diffusion Models',
      abstract:
        'Point tracking follows pixels over time. Our zero-shot point tracking beats trained trackers.',
      aiSummary: 'Video diffusion models used for zero-shot point tracking.',
    });
    expect(ids(match([tracking], 'object tracking'))).toEqual([tracking.id]);
  });

  it('reads an "OS agent" as a mobile agent even where the paper spells OS out as its own acronym', () => {
    const osAgent = aPaper({
      title: 'ColorAgent: Building A Robust and Interactive OS Agent',
      abstract:
        'We build an operating system (OS) agent that follows user instructions. ' +
        'The OS agent reaches 77% on AndroidWorld and 50% on AndroidLab.',
      aiKeywords: ['AndroidWorld', 'AndroidLab'],
    });
    expect(ids(match([osAgent], 'mobile agents'))).toEqual([osAgent.id]);
  });

  it('reads language-guided navigation as vision-language navigation, not GUI navigation', () => {
    const embodied = aPaper({
      title: 'Goal-Oriented Language-Guided Navigation at Scale',
      abstract:
        'Language-guided navigation agents explore unknown houses. Our agent reaches goals on REVERIE.',
      aiSummary: 'Self-improving demonstrations for language-guided navigation.',
    });
    const gui = aPaper({
      title: 'GUI Navigation with Screenshots',
      abstract: 'GUI navigation agents click through apps. Our agent completes more app tasks.',
      aiSummary: 'A GUI agent for app navigation.',
    });
    expect(ids(match([embodied, gui], 'vision-language navigation'))).toEqual([embodied.id]);
  });

  it('reads robot, robotic and robotics as one word', () => {
    const humanoid = aPaper({
      title: 'Whole-Body Control for Humanoid Robots',
      abstract: 'Humanoid robots must balance. Our robot controller transfers from simulation.',
      aiSummary: 'A whole-body controller for humanoid robots.',
    });
    expect(ids(match([humanoid], 'robotics'))).toEqual([humanoid.id]);
  });

  it('reads healthcare as the medical field', () => {
    const clinical = aPaper({
      title: 'Diagnostic Agents in a Virtual Clinical Environment',
      abstract:
        'Clinical diagnosis needs multi-turn reasoning. Our agent improves clinical accuracy on medical cases.',
      aiSummary: 'An agent trained for clinical diagnosis in a simulated hospital.',
    });
    expect(ids(match([clinical], 'healthcare'))).toEqual([clinical.id]);
  });
});

describe('field terms (round 21)', () => {
  it('reads search agents and deep research as agentic search', () => {
    const deepResearch = aPaper({
      title: 'WebSailor-V2: Training Deep Research Agents with Synthetic Data and RL',
      abstract:
        'Deep research agents browse the web for hard questions. Our search agent beats open baselines on BrowseComp.',
      aiSummary: 'An open deep research agent trained with reinforcement learning.',
    });
    expect(ids(match([deepResearch], 'agentic search'))).toEqual([deepResearch.id]);
  });

  it('reads joint audio-video generation and audio-driven animation as audio-visual generation', () => {
    const joint = aPaper({
      title: 'Twin Backbones for Audio-Video Generation',
      abstract:
        'Audio-video generation needs synchrony. Our twin backbones generate sound and frames together.',
      aiSummary: 'A model for joint audio-video generation.',
    });
    expect(ids(match([joint], 'audio-visual generation'))).toEqual([joint.id]);
  });
});

describe('field terms (round 22)', () => {
  it('reads a multi-turn conversation as a multi-turn dialogue', () => {
    const conversation = aPaper({
      title: 'A Multi-Turn Conversation Benchmark for Vision-Language Models',
      abstract:
        'Multi-turn conversations test memory and consistency. Our benchmark has 600 multi-turn conversations.',
      aiSummary: 'A benchmark of multi-turn conversations for VLMs.',
    });
    expect(ids(match([conversation], 'multi-turn dialogue'))).toEqual([conversation.id]);
  });
});

describe('agent nouns of a process and its model', () => {
  it.each([
    ['retrieval', 'retriever'],
    ['verification', 'verifier'],
    ['tokenization', 'tokenizer'],
    ['detection', 'detector'],
    ['ranking', 'ranker'],
    ['planning', 'planner'],
    ['alignment', 'aligner'],
  ])('derives an agent noun of "%s": %s', (process, agent) => {
    expect(agentNounsOf(process)).toContain(agent);
  });

  it('reads a retriever as a retrieval model', () => {
    const retriever = aPaper({
      title: 'A Late-Interaction Retriever for Long Documents',
      abstract: 'Our retriever encodes passages once. The retriever beats dense baselines on BEIR.',
      aiSummary: 'A retriever for long documents.',
    });
    expect(ids(match([retriever], 'retrieval models'))).toEqual([retriever.id]);
  });

  it('reads efficient or accelerated LLM inference as faster LLM inference', () => {
    const efficient = aPaper({
      title: 'Efficient LLM Inference with Lookup Tables on FPGAs',
      abstract:
        'Memory-bound decoding limits speed. We map weights to lookup tables for efficient LLM inference.',
      aiSummary: 'Efficient LLM inference on FPGAs with lookup tables.',
    });
    expect(ids(match([efficient], 'faster LLM inference'))).toEqual([efficient.id]);
  });
});

describe('field terms (round 24)', () => {
  it('reads olympiad-level and AIME math as competition math', () => {
    const olympiad = aPaper({
      title: 'Omni-MATH: A Universal Olympiad Level Mathematic Benchmark',
      abstract:
        'Olympiad level problems test LLMs. We collect 4,428 olympiad level problems in 33 sub-domains.',
      aiSummary: 'A benchmark of olympiad level mathematics problems.',
    });
    expect(ids(match([olympiad], 'competition math'))).toEqual([olympiad.id]);
  });
});

describe('field terms (round 25)', () => {
  it('reads a visual chain of thought as thinking with images', () => {
    const sketchpad = aPaper({
      title: 'Visual Sketchpad: Sketching as a Visual Chain of Thought',
      abstract:
        'Models draw lines and boxes while they reason. A visual chain of thought improves math and vision tasks.',
      aiSummary: 'Multimodal models sketch as a visual chain of thought.',
    });
    expect(ids(match([sketchpad], 'thinking with images'))).toEqual([sketchpad.id]);
  });

  it('reads referring segmentation as open-vocabulary segmentation', () => {
    const referring = aPaper({
      title: 'Temporal Prompting for Referring Video Object Segmentation',
      abstract:
        'Referring video object segmentation masks the object a sentence describes. We prompt with tracks.',
      aiSummary: 'Temporal prompts for referring video object segmentation.',
    });
    expect(ids(match([referring], 'open-vocabulary segmentation'))).toEqual([referring.id]);
  });
});

describe('round 26', () => {
  it('keeps the model head after a lone modality: audio language models are not every audio paper', () => {
    const audioLm = aPaper({
      title: 'A Holistic Evaluation of Audio-Language Models',
      abstract: 'Audio-language models answer questions about sounds. We evaluate 14 audio-language models.',
      aiSummary: 'A benchmark for audio-language models.',
    });
    const separation = aPaper({
      title: 'Efficient Audio-Visual Speech Separation',
      abstract:
        'Audio mixtures hide the target speaker. Our audio model uses lip semantics to separate speech.',
      aiSummary: 'An audio-visual speech separation model.',
    });
    expect(ids(match([audioLm, separation], 'audio language models'))).toEqual([audioLm.id]);
  });

  it('reads advantage shaping and dense rewards as reward shaping', () => {
    const shaping = aPaper({
      title: 'Entropy-Guided Advantage Shaping for Zero-Variance Prompts',
      abstract: 'Zero-variance prompts waste RL updates. Our advantage shaping gives them a learning signal.',
      aiSummary: 'Advantage shaping for RL of language models.',
    });
    expect(ids(match([shaping], 'reward shaping'))).toEqual([shaping.id]);
  });
});

describe('an acronym typed in capitals', () => {
  const clip = aPaper({
    title: 'Fine-Grained CLIP for Bilingual Retrieval',
    abstract: 'CLIP aligns images and text. Our CLIP variant adds region-level alignment.',
    aiSummary: 'A fine-grained CLIP model for English and Chinese.',
  });
  const clipping = aPaper({
    title: 'Clipping-Free Policy Optimization',
    abstract: 'PPO clips the ratio. Clipping discards gradients. We keep them without clipping.',
    aiSummary: 'Policy optimization without ratio clipping.',
  });
  const clips = aPaper({
    title: 'Multi-Shot Video Narratives',
    abstract: 'Video models generate isolated clips. We move from clip synthesis to films.',
    aiSummary: 'Coherent multi-shot videos instead of single clips.',
  });

  it('matches its own spelling (any case with a capital), not the common word with the same stem', () => {
    expect(ids(match([clip, clipping, clips], 'CLIP'))).toEqual([clip.id]);
  });

  it('typed in lower case, it is an ordinary word', () => {
    expect(ids(match([clip, clipping, clips], 'clip'))).toContain(clips.id);
  });
});

describe('release notices', () => {
  it('does not count the words of "our code is available at …" as a mention', () => {
    const humor = aPaper({
      title: 'Dark Humor Understanding via Multimodal Reasoning',
      abstract:
        'Dark humor is hard for models. We build a benchmark of memes. Models explain the jokes. ' +
        'Our code LLM baseline is available at https://github.com/example/code-llm.',
      aiSummary: 'A benchmark for understanding dark humor in memes.',
    });
    expect(ids(match([humor], 'code LLMs'))).toEqual([]);
  });
});
