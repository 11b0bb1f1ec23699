/**
 * The built-in prior, part two: related terms for query expansion. Unlike the lexicon (lexicon.ts), whose
 * forms are *equivalent* and rewritten to one form, these are ways to say *about the same thing* in other
 * words: narrower terms (KV cache eviction is a KV cache compression), near-synonyms (computer-use agent
 * for GUI agent) and the usual names of a field's methods (function calling for tool use).
 *
 * Written once for the whole field, the way a domain expert would: every group is a common ML concept,
 * not a topic of the evaluation set. A reader's phrase is expanded where it holds one of a group's
 * `terms` (as its words, stemmed): the span is replaced by each `related` phrase. Expansion evidence is
 * weaker than the reader's own words (score.ts, SCORING.expansion): a related phrase must be seen in more
 * than one place of a paper (title and summary, or summary and abstract) before it includes the paper.
 *
 * `inPhrase`: a one-word term is expanded inside a longer phrase ("compression" in "KV cache compression",
 * "GUI" in "GUI agents": the modifier of a head noun); without it a one-word term is expanded only when it
 * is the whole phrase, so that "model" or "agent" never wander.
 */
export interface RelatedGroup {
  terms: string[];
  related: string[];
  inPhrase?: boolean;
}

export const RELATED: RelatedGroup[] = [
  // ---- Agents
  {
    terms: ['GUI', 'graphical user interface'],
    related: [
      'UI',
      'computer use',
      'computer using',
      'OS',
      'screen',
      'smartphone',
      'mobile',
      'desktop',
      'web',
      'browser',
      'phone',
      'device control',
    ],
    inPhrase: true,
  },
  {
    terms: ['GUI agent', 'computer use agent'],
    related: [
      'CUA',
      'GUI automation',
      'GUI grounding',
      'computer use',
      'web navigation',
      'mobile automation',
      'digital agent',
      'OSWorld',
      'AndroidWorld',
      'screenshot agent',
    ],
  },
  {
    terms: ['tool use', 'tool using', 'tool calling', 'function calling', 'tool learning'],
    related: [
      'function calling',
      'tool calling',
      'tool call',
      'tool learning',
      'tool integrated',
      'tool augmented',
      'tool invocation',
      'tool use',
      'API call',
      'MCP',
      'use tools',
      'external tools',
      'tool agent',
    ],
  },
  {
    terms: ['web agent'],
    related: [
      'browser agent',
      'web navigation',
      'web browsing agent',
      'WebArena',
      'deep research agent',
      'search agent',
    ],
  },
  {
    terms: ['search agent', 'deep research'],
    related: [
      'deep research agent',
      'web search agent',
      'agentic search',
      'search augmented',
      'information seeking agent',
    ],
  },
  {
    // The agent is what "deep research" names: papers say "deep research" / "deep search" alone.
    terms: ['deep research agent', 'deep search agent'],
    related: ['deep research', 'deep search', 'deep information seeking', 'deep research system'],
  },
  {
    terms: ['LLM agent', 'language agent', 'AI agent', 'autonomous agent'],
    related: ['agentic', 'LLM based agent', 'agent framework', 'agentic system'],
  },
  {
    terms: ['multi agent'],
    related: ['multiagent', 'agent collaboration', 'agents collaborate'],
    inPhrase: true,
  },
  {
    terms: ['coding agent', 'software engineering agent', 'SWE agent'],
    related: ['SWE bench', 'code agent', 'agentic coding', 'issue resolution'],
  },
  {
    terms: ['agent memory', 'memory agent'],
    related: [
      'memory system',
      'memory management',
      'long term memory',
      'episodic memory',
      'memory bank',
      'memory augmented',
      'agentic memory',
      'memory module',
      'experience library',
    ],
  },
  {
    terms: ['embodied agent', 'embodied AI'],
    related: [
      'embodied',
      'robotic agent',
      'household tasks',
      'embodied intelligence',
      'vision language action',
      'robot learning',
      'robot manipulation',
      'robotic manipulation',
      'humanoid robot',
      'robot policy',
      'embodied navigation',
    ],
  },
  {
    terms: ['self evolving', 'self improving'],
    related: [
      'self evolving',
      'self improving',
      'co evolving',
      'self play',
      'experience driven',
      'learning from experience',
    ],
    inPhrase: true,
  },
  // ---- Reasoning and post-training
  {
    terms: ['RLHF', 'reinforcement learning from human feedback'],
    related: [
      'human feedback',
      'preference optimization',
      'preference alignment',
      'human preference alignment',
      'DPO',
      'RLAIF',
      'preference data',
      'reward hacking',
      'reward overoptimization',
      'Bradley Terry',
    ],
  },
  {
    terms: ['reward model'],
    related: [
      'reward modeling',
      'process reward model',
      'outcome reward model',
      'generative reward model',
      'verifier',
      'reward bench',
      'RewardBench',
      'critic model',
      'judge model',
      'preference model',
    ],
  },
  {
    terms: ['preference optimization', 'preference alignment', 'DPO'],
    related: [
      'direct preference optimization',
      'RLHF',
      'preference learning',
      'preference data',
      'human preference',
    ],
  },
  {
    terms: ['RLVR', 'verifiable rewards'],
    related: ['GRPO', 'rule based reward', 'verifiable reward', 'outcome reward'],
  },
  {
    terms: ['reasoning model', 'LLM reasoning', 'large reasoning model'],
    related: [
      'chain of thought',
      'long chain of thought',
      'test time scaling',
      'reasoning trace',
      'thinking model',
      'slow thinking',
      'o1',
    ],
  },
  {
    terms: ['chain of thought'],
    related: ['reasoning trace', 'step by step reasoning', 'thinking process', 'rationale'],
  },
  {
    terms: ['test time scaling', 'test time compute'],
    related: [
      'inference time scaling',
      'best of n',
      'self consistency',
      'parallel thinking',
      'majority voting',
    ],
  },
  {
    terms: ['math reasoning', 'mathematical reasoning'],
    related: ['math problem', 'theorem proving', 'olympiad', 'GSM8K', 'MATH500', 'AIME'],
  },
  { terms: ['theorem proving'], related: ['formal proof', 'Lean', 'prover', 'autoformalization'] },
  {
    terms: ['instruction tuning'],
    related: ['instruction following', 'supervised fine tuning', 'instruction data'],
  },
  {
    terms: ['knowledge distillation'],
    related: [
      'distillation',
      'teacher model',
      'student model',
      'teacher student',
      'distilled model',
      'on policy distillation',
    ],
  },
  {
    terms: ['continual learning'],
    related: ['catastrophic forgetting', 'lifelong learning', 'incremental learning'],
  },
  {
    terms: ['model merging'],
    related: [
      'merged model',
      'merging checkpoints',
      'task arithmetic',
      'task vector',
      'model soup',
      'weight averaging',
      'weight interpolation',
      'model fusion',
      'TIES',
      'DARE',
    ],
  },
  {
    terms: ['self improvement', 'self evolving'],
    related: ['self play', 'self training', 'self rewarding', 'self evolution'],
  },
  {
    terms: ['LLM as a judge', 'LLM judge', 'judge model', 'LLM evaluator'],
    related: [
      'LLM judge',
      'judge model',
      'judge LLM',
      'MLLM as a judge',
      'VLM as a judge',
      'agent as a judge',
      'autorater',
      'auto rater',
      'generative evaluator',
      'evaluator model',
      'LLM evaluator',
      'LLM based evaluation',
      'model based evaluation',
      'automatic evaluation',
    ],
  },
  // ---- Efficiency
  {
    terms: ['compression'],
    related: [
      'eviction',
      'pruning',
      'quantization',
      'merging',
      'clustering',
      'sparsification',
      'compaction',
      'reduction',
      'sharing',
      'offloading',
    ],
    inPhrase: true,
  },
  { terms: ['KV cache'], related: ['key cache', 'KV', 'KV states'], inPhrase: true },
  {
    terms: ['quantization'],
    related: [
      'low bit',
      'quantized',
      'post training quantization',
      'quantization aware training',
      'PTQ',
      'QAT',
      'binarization',
      'ternary',
      '1 bit',
      '2 bit',
      '4 bit',
      'FP8',
      'FP4',
      'INT4',
      'INT8',
      'BitNet',
    ],
  },
  {
    terms: ['pruning'],
    related: [
      'sparsity',
      'sparsification',
      'structured pruning',
      'token pruning',
      'layer pruning',
      'unstructured sparsity',
    ],
  },
  {
    terms: ['speculative decoding'],
    related: [
      'draft model',
      'draft tokens',
      'speculative sampling',
      'draft and verify',
      'lookahead decoding',
      'self speculative',
      'parallel decoding',
      'multi token prediction',
    ],
  },
  {
    terms: ['efficient inference', 'inference acceleration'],
    related: ['inference efficiency', 'inference latency', 'speedup', 'LLM serving', 'throughput'],
  },
  {
    terms: ['sparse attention'],
    related: ['block sparse attention', 'attention sparsity', 'native sparse attention', 'linear attention'],
  },
  {
    terms: ['linear attention'],
    related: ['state space model', 'Mamba', 'RWKV', 'linear RNN', 'gated delta', 'recurrent'],
  },
  {
    terms: ['mixture of experts'],
    related: ['expert routing', 'sparse experts', 'expert parallelism', 'MoE layer', 'routed experts'],
  },
  {
    terms: ['long context'],
    related: [
      'context window',
      'context length',
      'long sequence',
      'length extrapolation',
      'length generalization',
      'long document',
      'long input',
      'million token',
      'context extension',
      'needle in a haystack',
    ],
  },
  {
    terms: ['context compression', 'prompt compression'],
    related: ['context pruning', 'token compression', 'compressed context', 'gist tokens'],
  },
  {
    terms: ['token pruning', 'token merging', 'token compression'],
    related: ['visual token pruning', 'token reduction', 'token dropping', 'token eviction'],
  },
  // ---- Retrieval, knowledge
  {
    terms: ['retrieval augmented generation', 'RAG'],
    related: [
      'retrieval augmented',
      'retriever',
      'reranker',
      'reranking',
      'dense retrieval',
      'knowledge retrieval',
      'search augmented',
      'retrieved documents',
      'GraphRAG',
    ],
  },
  {
    terms: ['information retrieval', 'dense retrieval'],
    related: ['retriever', 'reranking', 'embedding model', 'text embedding', 'search engine'],
  },
  {
    terms: ['hallucination'],
    related: ['hallucinate', 'factuality', 'factual error', 'faithfulness', 'fabrication', 'confabulation'],
  },
  {
    terms: ['knowledge editing', 'model editing'],
    related: ['edit knowledge', 'locate then edit', 'unlearning'],
  },
  {
    terms: ['machine unlearning', 'unlearning'],
    related: ['forget', 'erase knowledge', 'knowledge removal'],
  },
  // ---- Safety
  {
    terms: ['jailbreak'],
    related: [
      'jailbreaking',
      'jailbreak attack',
      'red teaming',
      'adversarial prompt',
      'harmful request',
      'safety alignment',
      'bypass safety',
    ],
  },
  {
    terms: ['AI safety', 'LLM safety', 'safety alignment'],
    related: [
      'jailbreak',
      'red teaming',
      'harmful content',
      'refusal',
      'guardrail',
      'safety guard',
      'harmlessness',
    ],
  },
  {
    terms: ['prompt injection'],
    related: ['indirect prompt injection', 'injection attack', 'injected instructions'],
  },
  { terms: ['red teaming'], related: ['jailbreak', 'adversarial attack', 'safety evaluation'] },
  {
    terms: ['interpretability', 'mechanistic interpretability'],
    related: [
      'sparse autoencoder',
      'probing',
      'circuit',
      'attention head',
      'steering vector',
      'activation patching',
      'logit lens',
      'internal representations',
    ],
  },
  {
    terms: ['watermarking', 'watermark'],
    related: ['AI generated text detection', 'provenance', 'fingerprinting'],
  },
  {
    terms: ['deepfake detection', 'AI generated image detection'],
    related: ['fake image detection', 'synthetic image detection', 'forgery detection', 'AIGC detection'],
  },
  { terms: ['bias', 'fairness'], related: ['social bias', 'stereotype', 'demographic bias', 'debiasing'] },
  // ---- Generation: images, video, 3D, audio
  {
    terms: ['video generation', 'video synthesis'],
    related: [
      'text to video',
      'image to video',
      'video diffusion',
      'video diffusion model',
      'video generative model',
      'human animation',
      'image animation',
      'portrait animation',
      'character animation',
      'talking head',
      'talking face',
      'video editing',
      'long video generation',
    ],
  },
  {
    terms: ['image generation', 'image synthesis'],
    related: [
      'text to image',
      'T2I',
      'image diffusion',
      'diffusion model',
      'flow matching',
      'autoregressive image generation',
      'visual generation',
    ],
  },
  {
    terms: ['image editing'],
    related: [
      'instruction based editing',
      'image manipulation',
      'inpainting',
      'edit images',
      'editing instructions',
      'instruction guided editing',
      'editing model',
    ],
  },
  { terms: ['video editing'], related: ['video inpainting', 'edit videos', 'video manipulation'] },
  {
    terms: ['personalization', 'subject driven generation', 'image customization'],
    related: ['customized generation', 'identity preservation', 'subject consistency', 'DreamBooth'],
  },
  {
    terms: ['diffusion model'],
    related: ['denoising diffusion', 'score based', 'flow matching', 'rectified flow', 'DiT'],
  },
  {
    terms: ['diffusion language model', 'diffusion large language model'],
    related: [
      'masked diffusion model',
      'masked diffusion language model',
      'discrete diffusion',
      'LLaDA',
      'dLLM',
      'masked diffusion',
    ],
  },
  {
    terms: ['text to speech', 'speech synthesis'],
    related: [
      'voice cloning',
      'speech generation',
      'spoken language generation',
      'voice synthesis',
      'expressive speech',
      'speech synthesizer',
      'voice generation',
    ],
  },
  {
    terms: ['speech recognition', 'automatic speech recognition'],
    related: ['ASR', 'speech to text', 'transcription', 'Whisper', 'word error rate'],
  },
  {
    terms: ['music generation'],
    related: ['text to music', 'song generation', 'music synthesis', 'symbolic music'],
  },
  {
    terms: ['audio generation'],
    related: ['text to audio', 'sound generation', 'audio synthesis', 'sound effects'],
  },
  {
    terms: ['audio language model'],
    related: ['large audio language model', 'LALM', 'speech language model', 'spoken language model'],
  },
  {
    terms: ['3D Gaussian splatting', 'Gaussian splatting'],
    related: [
      '3DGS',
      '4DGS',
      '2DGS',
      'Gaussian primitives',
      'feed forward Gaussian',
      'Gaussian avatars',
      '3D Gaussians',
      'Gaussian based',
    ],
  },
  {
    terms: ['3D reconstruction'],
    related: [
      'novel view synthesis',
      'multi view reconstruction',
      'NeRF',
      'Gaussian splatting',
      'structure from motion',
      'depth estimation',
      'scene reconstruction',
    ],
  },
  {
    terms: ['novel view synthesis'],
    related: ['view synthesis', 'NeRF', 'radiance field', 'Gaussian splatting'],
  },
  {
    terms: ['3D generation'],
    related: ['text to 3D', 'image to 3D', '3D asset generation', 'mesh generation', 'shape generation'],
  },
  {
    terms: ['4D generation', '4D reconstruction', 'dynamic scene'],
    related: [
      'dynamic view synthesis',
      'dynamic Gaussian',
      '4DGS',
      'dynamic 3D',
      'dynamic scene reconstruction',
    ],
  },
  {
    terms: ['world model'],
    related: [
      'world simulator',
      'interactive video generation',
      'game engine',
      'environment simulator',
      'learned simulator',
      'action conditioned video',
      'video world model',
    ],
  },
  {
    terms: ['motion generation'],
    related: ['human motion', 'text to motion', 'motion synthesis', 'dance generation'],
  },
  // ---- Vision and multimodal understanding
  {
    terms: ['vision language model', 'multimodal large language model', 'large multimodal model'],
    related: ['VLM', 'MLLM', 'LMM', 'LVLM', 'vision language', 'multimodal LLM', 'multimodal model'],
  },
  {
    terms: ['vision language action model', 'vision language action'],
    related: [
      'VLA',
      'robot policy',
      'generalist robot policy',
      'visuomotor policy',
      'robot foundation model',
      'action expert',
    ],
  },
  {
    terms: ['visual grounding'],
    related: [
      'GUI grounding',
      'video grounding',
      'temporal grounding',
      'spatial grounding',
      'phrase grounding',
      'referring expression comprehension',
      'referring expression',
      'grounded perception',
      'object grounding',
      'visual localization',
    ],
  },
  { terms: ['visual question answering'], related: ['VQA', 'image question answering', 'visual reasoning'] },
  {
    terms: ['video understanding'],
    related: [
      'video LLM',
      'video question answering',
      'long video understanding',
      'video reasoning',
      'temporal grounding',
      'video language model',
    ],
  },
  {
    terms: ['visual reasoning', 'multimodal reasoning'],
    related: ['thinking with images', 'visual chain of thought', 'spatial reasoning', 'visual math'],
  },
  {
    terms: ['spatial reasoning', 'spatial intelligence'],
    related: ['spatial understanding', '3D spatial', 'spatial relations'],
  },
  {
    terms: ['object detection'],
    related: ['open vocabulary detection', 'detector', 'bounding box', 'YOLO', 'DETR'],
  },
  {
    terms: ['image segmentation', 'segmentation'],
    related: [
      'semantic segmentation',
      'instance segmentation',
      'referring segmentation',
      'SAM',
      'mask prediction',
    ],
  },
  {
    terms: ['OCR', 'document understanding', 'document parsing', 'document analysis'],
    related: [
      'document parsing',
      'document understanding',
      'OCR',
      'text recognition',
      'document OCR',
      'document image',
      'document VQA',
      'DocVQA',
      'layout analysis',
      'PDF parsing',
      'document conversion',
      'visually rich document',
      'multimodal document',
      'document centric',
      'chart understanding',
      'chart comprehension',
      'chart reasoning',
      'table recognition',
      'text rich image',
    ],
  },
  {
    terms: ['visual tokenizer', 'image tokenizer'],
    related: ['VQ', 'vector quantization', 'discrete tokens', 'VAE', 'latent space'],
  },
  {
    terms: ['unified multimodal model'],
    related: ['unified understanding and generation', 'any to any', 'omni model', 'interleaved generation'],
  },
  {
    terms: ['image captioning', 'captioning'],
    related: ['dense captioning', 'caption generation', 'image description'],
  },
  {
    terms: ['embedding model', 'text embedding'],
    related: ['sentence embedding', 'retrieval embedding', 'multimodal embedding', 'contrastive learning'],
  },
  // ---- Robotics, driving, science
  {
    terms: ['robot manipulation', 'robotic manipulation'],
    related: ['grasping', 'dexterous manipulation', 'pick and place', 'bimanual', 'robot arm'],
  },
  {
    terms: ['autonomous driving'],
    related: ['self driving', 'driving scene', 'end to end driving', 'motion planning', 'nuScenes'],
  },
  {
    terms: ['navigation'],
    related: ['vision language navigation', 'VLN', 'embodied navigation', 'object navigation'],
  },
  {
    terms: ['medical AI', 'medical imaging', 'clinical'],
    related: ['medical', 'radiology', 'healthcare', 'biomedical', 'clinical', 'pathology', 'EHR'],
  },
  {
    terms: ['drug discovery', 'molecular generation'],
    related: ['molecule', 'protein', 'ligand', 'chemistry', 'docking'],
  },
  {
    terms: ['protein'],
    related: ['protein structure', 'protein language model', 'protein design', 'AlphaFold'],
  },
  {
    terms: ['AI for science', 'scientific discovery'],
    related: ['AI scientist', 'research agent', 'scientific reasoning', 'automated research'],
  },
  { terms: ['time series'], related: ['forecasting', 'temporal data', 'time series foundation model'] },
  {
    terms: ['graph neural network'],
    related: ['GNN', 'graph learning', 'message passing', 'node classification'],
  },
  {
    terms: ['recommendation', 'recommender system'],
    related: ['recommender', 'collaborative filtering', 'user preference', 'click through rate'],
  },
  // ---- Training, data, evaluation
  {
    terms: ['pretraining'],
    related: ['pre training', 'continual pretraining', 'pretraining data', 'training corpus', 'mid training'],
  },
  {
    terms: ['scaling law'],
    related: ['scaling behavior', 'compute optimal', 'power law', 'scaling properties'],
  },
  { terms: ['optimizer'], related: ['Adam', 'AdamW', 'Muon', 'learning rate', 'second order optimization'] },
  {
    terms: ['synthetic data', 'data synthesis'],
    related: [
      'data generation pipeline',
      'synthetic dataset',
      'generated data',
      'data engine',
      'task synthesis',
      'trajectory synthesis',
      'experience synthesis',
      'data augmentation',
    ],
  },
  {
    terms: ['data curation', 'data selection', 'data filtering'],
    related: ['data quality', 'data mixture', 'data pruning', 'deduplication', 'data cleaning'],
  },
  {
    terms: ['benchmark', 'evaluation benchmark'],
    related: ['leaderboard', 'evaluation suite', 'test set', 'evaluation framework'],
  },
  {
    terms: ['tokenization', 'tokenizer'],
    related: ['BPE', 'byte pair encoding', 'subword', 'vocabulary', 'byte level', 'tokenizer free'],
  },
  {
    terms: ['positional encoding', 'position embedding'],
    related: ['RoPE', 'rotary position embedding', 'ALiBi', 'position interpolation'],
  },
  {
    terms: ['parameter efficient fine tuning', 'PEFT'],
    related: ['LoRA', 'adapter', 'prompt tuning', 'prefix tuning', 'low rank adaptation'],
  },
  { terms: ['LoRA'], related: ['low rank adapter', 'PEFT', 'adapter'] },
  { terms: ['federated learning'], related: ['federated', 'client', 'privacy preserving training'] },
  {
    terms: ['multilingual'],
    related: ['cross lingual', 'low resource language', 'non English', 'language coverage'],
  },
  {
    terms: ['machine translation'],
    related: ['translation', 'neural machine translation', 'translation quality'],
  },
  {
    terms: ['code generation'],
    related: [
      'program synthesis',
      'code LLM',
      'code completion',
      'code repair',
      'coding',
      'software engineering',
      'SWE bench',
      'code model',
      'text to SQL',
      'competitive programming',
      'HumanEval',
      'LiveCodeBench',
    ],
  },
  { terms: ['text to SQL'], related: ['NL2SQL', 'SQL generation', 'semantic parsing'] },
  {
    terms: ['contrastive learning'],
    related: ['CLIP', 'InfoNCE', 'contrastive loss', 'representation learning'],
  },
  {
    terms: ['self supervised learning'],
    related: ['masked image modeling', 'contrastive learning', 'DINO', 'representation learning'],
  },
  {
    terms: ['adversarial attack', 'adversarial robustness'],
    related: ['adversarial example', 'adversarial perturbation', 'robustness', 'backdoor'],
  },
  {
    terms: ['uncertainty', 'calibration'],
    related: ['confidence estimation', 'uncertainty quantification', 'calibrated'],
  },
  { terms: ['recurrent', 'state space model'], related: ['Mamba', 'SSM', 'RWKV', 'linear attention'] },
];
